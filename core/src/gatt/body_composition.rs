//! Body Composition Measurement (0x2A9C), Body Composition Service.
//!
//! Flags are 16 bits: 0 imperial, 1 time stamp, 2 user id, 3 basal
//! metabolism, 4 muscle %, 5 muscle mass, 6 fat-free mass, 7 soft lean mass,
//! 8 body water mass, 9 impedance, 10 weight, 11 height, 12 multiple packet.
//! Body fat % (0.1 %) is always present; 0xFFFF means unsuccessful. Masses
//! use the weight scale's resolution (0.005 kg / 0.01 lb), impedance 0.1 Ω,
//! basal metabolism 1 kJ, height 0.001 m / 0.1 in.
//!
//! With the multiple-packet flag a measurement is split over several
//! packets; each packet decodes on its own and says so.

use serde::Serialize;

use super::{
    ieee11073::Decimal,
    reader::{bit, Reader},
    time::DateTime,
    weight::{height, mass, UnitSystem},
    DecodeError,
};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BodyCompositionMeasurement {
    pub units: UnitSystem,
    /// Percent.
    pub body_fat_percentage: Decimal,
    pub time_stamp: Option<DateTime>,
    pub user_id: Option<u8>,
    /// kJ.
    pub basal_metabolism: Option<u16>,
    /// Percent.
    pub muscle_percentage: Option<Decimal>,
    pub muscle_mass: Option<Decimal>,
    pub fat_free_mass: Option<Decimal>,
    pub soft_lean_mass: Option<Decimal>,
    pub body_water_mass: Option<Decimal>,
    /// Ω.
    pub impedance: Option<Decimal>,
    pub weight: Option<Decimal>,
    pub height: Option<Decimal>,
    /// This packet is one part of a measurement split over several packets.
    pub multiple_packet: bool,
}

/// Decodes Body Composition Measurement (0x2A9C).
pub fn decode(bytes: &[u8]) -> Result<BodyCompositionMeasurement, DecodeError> {
    let mut r = Reader::new(bytes);
    let flags = u32::from(r.u16("flags")?);
    let units = if bit(flags, 0) { UnitSystem::Imperial } else { UnitSystem::Si };
    let fat = r.u16("body fat percentage")?;
    if fat == 0xFFFF {
        return Err(DecodeError::MeasurementUnsuccessful { field: "body fat percentage" });
    }
    let tenth = |raw: u16| Decimal::new(i32::from(raw), -1);
    let time_stamp = r.optional(bit(flags, 1), |r| r.date_time("time stamp"))?;
    let user_id = r.optional(bit(flags, 2), |r| r.u8("user id"))?.filter(|&id| id != 0xFF);
    let basal_metabolism = r.optional(bit(flags, 3), |r| r.u16("basal metabolism"))?;
    let muscle_percentage = r.optional(bit(flags, 4), |r| r.u16("muscle percentage"))?.map(tenth);
    let mut mass_field = |n, field| -> Result<Option<Decimal>, DecodeError> {
        Ok(r.optional(bit(flags, n), |r| r.u16(field))?.map(|raw| mass(raw, units)))
    };
    let muscle_mass = mass_field(5, "muscle mass")?;
    let fat_free_mass = mass_field(6, "fat free mass")?;
    let soft_lean_mass = mass_field(7, "soft lean mass")?;
    let body_water_mass = mass_field(8, "body water mass")?;
    let impedance = r.optional(bit(flags, 9), |r| r.u16("impedance"))?.map(tenth);
    let weight = r.optional(bit(flags, 10), |r| r.u16("weight"))?.map(|raw| mass(raw, units));
    let height_value = r.optional(bit(flags, 11), |r| r.u16("height"))?.map(|raw| height(raw, units));
    r.finish()?;
    Ok(BodyCompositionMeasurement {
        units,
        body_fat_percentage: tenth(fat),
        time_stamp,
        user_id,
        basal_metabolism,
        muscle_percentage,
        muscle_mass,
        fat_free_mass,
        soft_lean_mass,
        body_water_mass,
        impedance,
        weight,
        height: height_value,
        multiple_packet: bit(flags, 12),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds the packet for `flags`, each optional u16 field = 1000 + bit.
    fn packet(flags: u16) -> Vec<u8> {
        let mut p = flags.to_le_bytes().to_vec();
        p.extend(255u16.to_le_bytes()); // 25.5 %
        if flags & (1 << 1) != 0 {
            p.extend([0xEA, 0x07, 11, 23, 7, 34, 0]);
        }
        if flags & (1 << 2) != 0 {
            p.push(3);
        }
        for n in 3..=11u16 {
            if flags & (1 << n) != 0 {
                p.extend((1000 + n).to_le_bytes());
            }
        }
        p
    }

    #[test]
    fn every_flag_combination_and_truncation() {
        // Bits 0–12 defined (8192 combinations); 13–15 reserved and ignored.
        for flags in (0..=0x1FFFu16).chain([0xE000, 0xFFFF]) {
            let bytes = packet(flags);
            let m = decode(&bytes).unwrap_or_else(|e| panic!("{flags:#06x}: {e}"));
            let si = flags & 1 == 0;
            let has = |n: u16| flags & (1 << n) != 0;
            assert_eq!(m.body_fat_percentage.to_string(), "25.5");
            assert_eq!(m.time_stamp.is_some(), has(1));
            assert_eq!(m.user_id, has(2).then_some(3));
            assert_eq!(m.basal_metabolism, has(3).then_some(1003));
            assert_eq!(m.muscle_percentage.map(|d| d.to_string()), has(4).then(|| "100.4".to_string()));
            let expect_mass =
                |n: u16| has(n).then(|| mass(1000 + n, if si { UnitSystem::Si } else { UnitSystem::Imperial }));
            assert_eq!(m.muscle_mass, expect_mass(5));
            assert_eq!(m.fat_free_mass, expect_mass(6));
            assert_eq!(m.soft_lean_mass, expect_mass(7));
            assert_eq!(m.body_water_mass, expect_mass(8));
            assert_eq!(m.impedance.map(|d| d.to_string()), has(9).then(|| "100.9".to_string()));
            assert_eq!(m.weight, expect_mass(10));
            assert_eq!(
                m.height.map(|d| d.to_string()),
                has(11).then(|| if si { "1.011" } else { "101.1" }.to_string())
            );
            assert_eq!(m.multiple_packet, has(12));
            if flags % 97 == 0 {
                crate::gatt::assert_exact_length(decode, &bytes);
            }
        }
    }

    #[test]
    fn masses_have_the_scale_resolution() {
        let m = decode(&packet(1 << 10)).unwrap();
        assert_eq!(m.weight.unwrap().to_string(), "5.050"); // 1010 × 0.005 kg
    }

    #[test]
    fn unsuccessful() {
        assert_eq!(
            decode(&[0, 0, 0xFF, 0xFF]).unwrap_err(),
            DecodeError::MeasurementUnsuccessful { field: "body fat percentage" }
        );
    }
}
