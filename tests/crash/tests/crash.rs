//! The short crash test for the test suite (`HEIMA_CRASH_KILLS`, default 20
//! kills of `crash-writer`, each followed by `integrity_check` and a look
//! for every acknowledged reading); `bench/crash.sh` runs the full 200.

#[test]
fn every_acknowledged_reading_survives_sigkill() {
    let kills = std::env::var("HEIMA_CRASH_KILLS").ok().and_then(|k| k.parse().ok()).unwrap_or(20);
    let dir = tempfile::tempdir().unwrap();
    let report = heima_crash_test::run(env!("CARGO_BIN_EXE_crash-writer").as_ref(), dir.path(), kills, 0x5EED);
    println!("{report:?}");
    assert_eq!(report.kills, kills);
    assert!(report.acknowledged > 0, "the writer never acknowledged anything");
    assert!(report.stored >= report.acknowledged as i64);
}
