"""Word lists, mixes and fee bands for the demo generator (made-up, plausible)."""

from __future__ import annotations

AREAS = ("Oak", "Willow", "Beech", "Maple", "Cedar", "Hazel", "Rowan", "Birch", "Elm", "Ash",
         "Holly", "Juniper", "Alder", "Linden", "Larch", "Poplar", "Yew", "Aspen", "Hawthorn",
         "Chestnut", "Meadow", "Brook", "Orchard", "Riverside", "Hillside", "Park", "Green",
         "Bridge", "Mill", "Church")
NAME_A = ("Acorn", "Bright", "Horizon", "Compass", "Harbour", "Lantern", "Evergreen", "Summit",
          "Keystone", "Beacon", "Pathway", "Northstar", "Cornerstone", "Blossom", "Kindred",
          "Haven", "Phoenix", "Rainbow", "Anchor", "Meridian", "Sunrise", "Heritage", "Unity",
          "Willowbrook", "Oakleaf", "Silverbirch", "Clearwater", "Greenfield", "Springvale")
NAME_B = ("Care", "Children's Services", "Homes", "Fostering", "Family Care", "Support",
          "Residential Care", "Young People's Services", "Care Group", "Partnerships")
PROVIDER_SUFFIX = ("Ltd", "Limited", "CIC", "LLP", "Trust")
TOWNS = {"SM1": "Sutton", "SM2": "Sutton", "SM3": "Cheam", "SM5": "Carshalton",
         "SM6": "Wallington", "CR0": "Croydon", "CR4": "Mitcham", "KT4": "Worcester Park",
         "ME1": "Rochester", "CT1": "Canterbury", "B15": "Birmingham", "SS1": "Southend",
         "GU1": "Guildford", "RH1": "Redhill", "TN1": "Tunbridge Wells", "BN1": "Brighton"}
# Outcodes with a rough centre (easting, northing) on the Ordnance Survey grid.
HOME_OUTCODES = (("SM1", (526000, 164500)), ("SM2", (525800, 163200)),
                 ("SM3", (524200, 164300)), ("SM5", (527800, 164200)),
                 ("SM6", (529400, 164300)), ("CR4", (528000, 168700)),
                 ("KT4", (522600, 165800)), ("CR0", (532800, 165700)))
OTHER_OUTCODES = (("ME1", (574200, 168000)), ("CT1", (615000, 157800)),
                  ("B15", (405500, 285600)), ("SS1", (588500, 185800)),
                  ("GU1", (499800, 149800)), ("RH1", (528000, 150500)),
                  ("TN1", (558600, 139600)), ("BN1", (531000, 105000)))
ETHNICITIES = ("WBRI", "WBRI", "WBRI", "WBRI", "WOTH", "MWBC", "MWBA", "MOTH", "AIND", "APKN",
               "ABAN", "AOTH", "BCRB", "BAFR", "BAFR", "BOTH", "OOTH", "NOBT")
SETTING_MIX = (("childrens_home", 30), ("ifa", 14), ("la_fostering", 3),
               ("supported_accommodation", 14), ("semi_independent", 12),
               ("supported_lodgings", 6), ("staying_put", 4), ("secure_childrens_home", 2),
               ("residential_special_school", 3), ("residential_family_centre", 2))
JUDGEMENT_MIX = (("outstanding", 1.4), ("good", 6.0), ("requires_improvement", 1.8),
                 ("inadequate", 0.5))
# Weekly fee bands in pence by setting type.
FEES = {"ifa": (80_000, 100_000), "childrens_home": (380_000, 650_000),
        "secure_childrens_home": (700_000, 1_000_000),
        "supported_accommodation": (90_000, 250_000), "semi_independent": (90_000, 200_000),
        "supported_lodgings": (30_000, 45_000), "residential_special_school": (400_000, 700_000),
        "residential_family_centre": (300_000, 500_000)}
CARE_LEAVER_TYPES = (("CL_SP", "staying_put"), ("CL_SL", "supported_lodgings"),
                     ("CL_SIF", "semi_independent"), ("CL_SIO", "semi_independent"),
                     ("CL_SAC", "supported_accommodation"), ("CL_FS", "none"),
                     ("CL_QH", "none"), ("CL_IL", "none"))
