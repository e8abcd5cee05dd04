//! What changed between two versions of the self-care plan, in items the
//! today screen can say in plain words once ("Planen din er endret: …"):
//! activities added or removed, new times, new limits or advice, medicines
//! added, removed or changed, new goals, new contacts, new material, a new
//! phase.

use serde::Serialize;

use crate::{
    locale::Text,
    plan::{ActivityKind, CarePlan, Phase, Timing},
};

/// One change, as the patient is told it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "kebab-case")]
pub enum PlanChange {
    ActivityAdded { kind: ActivityKind, timing: Timing },
    ActivityRemoved { kind: ActivityKind },
    TimingChanged { kind: ActivityKind, timing: Timing },
    LimitsChanged { kind: ActivityKind },
    AdviceChanged { kind: ActivityKind },
    MedicineAdded { name: Text },
    MedicineRemoved { name: Text },
    MedicineChanged { name: Text },
    GoalsChanged,
    ContactsChanged,
    MaterialChanged,
    PhaseChanged { phase: Phase },
}

/// The changes from `before` to `after`, activities by their id.
pub fn changes(before: &CarePlan, after: &CarePlan) -> Vec<PlanChange> {
    let mut out = vec![];
    for a in &after.activities {
        match before.activity(&a.id) {
            None => out.push(PlanChange::ActivityAdded { kind: a.kind.clone(), timing: a.timing.clone() }),
            Some(old) => {
                if old.timing != a.timing {
                    out.push(PlanChange::TimingChanged { kind: a.kind.clone(), timing: a.timing.clone() });
                }
                let (was, is) = (&old.traffic_light, &a.traffic_light);
                // Bands, change rules and answer rules all decide colours.
                if was.limits != is.limits || was.trends != is.trends || was.answers != is.answers {
                    out.push(PlanChange::LimitsChanged { kind: a.kind.clone() });
                }
                if was.advice != is.advice || was.calls != is.calls || was.medicines != is.medicines {
                    out.push(PlanChange::AdviceChanged { kind: a.kind.clone() });
                }
            }
        }
    }
    for old in &before.activities {
        if after.activity(&old.id).is_none() {
            out.push(PlanChange::ActivityRemoved { kind: old.kind.clone() });
        }
    }
    for m in &after.medicines {
        match before.medicines.iter().find(|o| o.name == m.name) {
            None => out.push(PlanChange::MedicineAdded { name: m.name.clone() }),
            Some(old) if old != m => out.push(PlanChange::MedicineChanged { name: m.name.clone() }),
            Some(_) => {}
        }
    }
    for old in &before.medicines {
        if !after.medicines.iter().any(|m| m.name == old.name) {
            out.push(PlanChange::MedicineRemoved { name: old.name.clone() });
        }
    }
    if before.goals != after.goals {
        out.push(PlanChange::GoalsChanged);
    }
    if before.service != after.service || before.team != after.team {
        out.push(PlanChange::ContactsChanged);
    }
    if before.material != after.material {
        out.push(PlanChange::MaterialChanged);
    }
    if std::mem::discriminant(&before.phase) != std::mem::discriminant(&after.phase) {
        out.push(PlanChange::PhaseChanged { phase: after.phase.clone() });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{clock::FixedClock, demo::sample_plan, plan::MeasurementKind};

    #[test]
    fn each_kind_of_change_is_named() {
        let clock = FixedClock::oslo("2026-11-30T09:00:00Z".parse().unwrap());
        let before = sample_plan(&clock);
        assert_eq!(changes(&before, &before), vec![], "the same plan: nothing to say");
        let spo2 = ActivityKind::Measure { measurement: MeasurementKind::OxygenSaturation };
        let weight = ActivityKind::Measure { measurement: MeasurementKind::BodyWeight };
        let mut after = before.clone();
        let times = Timing::DailyAt { times: vec![jiff::civil::time(8, 0, 0, 0), jiff::civil::time(18, 0, 0, 0)] };
        let a = after.activities.iter_mut().find(|a| a.id == "spo2").unwrap();
        a.timing = times.clone();
        a.traffic_light.limits[0].low = Some(crate::vocabulary::Decimal::new(93, 0));
        after.activities.retain(|a| a.id != "weight");
        let furosemid = before
            .medicines
            .iter()
            .find(|m| m.name.get(crate::locale::Locale::Bokmal) == "Furosemid 40 mg")
            .unwrap()
            .name
            .clone();
        after.medicines.retain(|m| m.name != furosemid);
        after.medicines[0].dosage = vec!["1 inhalasjon morgen og kveld".into()];
        after.goals.pop();
        after.phase = Phase::Paused { since: None };
        assert_eq!(
            changes(&before, &after),
            vec![
                PlanChange::TimingChanged { kind: spo2.clone(), timing: times },
                PlanChange::LimitsChanged { kind: spo2 },
                PlanChange::ActivityRemoved { kind: weight.clone() },
                PlanChange::MedicineChanged { name: before.medicines[0].name.clone() },
                PlanChange::MedicineRemoved { name: furosemid.clone() },
                PlanChange::GoalsChanged,
                PlanChange::PhaseChanged { phase: Phase::Paused { since: None } },
            ]
        );
        let added = changes(&after, &before);
        assert!(added.contains(&PlanChange::ActivityAdded {
            kind: weight,
            timing: before.activity("weight").unwrap().timing.clone()
        }));
        assert!(added.contains(&PlanChange::MedicineAdded { name: furosemid }));
        // A change rule is a limit; a medicine tied to a colour is advice.
        let weight = ActivityKind::Measure { measurement: MeasurementKind::BodyWeight };
        let mut after = before.clone();
        let w = after.activities.iter_mut().find(|a| a.id == "weight").unwrap();
        w.traffic_light.trends[0].change = crate::vocabulary::Decimal::new(15, -1);
        w.traffic_light.medicines.clear();
        assert_eq!(
            changes(&before, &after),
            vec![PlanChange::LimitsChanged { kind: weight.clone() }, PlanChange::AdviceChanged { kind: weight }]
        );
    }
}
