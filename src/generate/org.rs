//! The fictional company around the people: offices, departments, job titles, group,
//! entitlement and role names.

/// An office: the user's work address, time zone and phone prefix.
pub(crate) struct Office {
    pub(crate) locality: &'static str,
    pub(crate) street: &'static str,
    pub(crate) region: &'static str,
    pub(crate) postal_code: &'static str,
    /// ISO 3166-1 alpha-2.
    pub(crate) country: &'static str,
    /// IANA time zone.
    pub(crate) timezone: &'static str,
    /// The work address on one line, as `addresses.formatted` carries it.
    pub(crate) formatted: &'static str,
    /// Phone numbers without the last two digits, in a range reserved for fiction
    /// (North America's 555-0100..0199, Ofcom's drama numbers for London).
    pub(crate) phone_prefix: &'static str,
    /// How often users sit here, relative to the other offices.
    pub(crate) weight: u32,
}

macro_rules! office {
    ($loc:literal, $street:literal, $region:literal, $zip:literal, $country:literal,
     $tz:literal, $phone:literal, $weight:literal) => {
        Office {
            locality: $loc,
            street: $street,
            region: $region,
            postal_code: $zip,
            country: $country,
            timezone: $tz,
            formatted: concat!($street, ", ", $loc, ", ", $region, " ", $zip, ", ", $country),
            phone_prefix: $phone,
            weight: $weight,
        }
    };
}

/// The offices, in a fixed order (part of the seed semantics).
pub(crate) const OFFICES: &[Office] = &[
    office!(
        "San Francisco",
        "500 Harbor Street",
        "CA",
        "94105",
        "US",
        "America/Los_Angeles",
        "+1 415-555-01",
        12
    ),
    office!(
        "New York",
        "77 Hudson Avenue",
        "NY",
        "10013",
        "US",
        "America/New_York",
        "+1 212-555-01",
        10
    ),
    office!(
        "Austin",
        "1200 Congress Lane",
        "TX",
        "78701",
        "US",
        "America/Chicago",
        "+1 512-555-01",
        6
    ),
    office!(
        "Chicago",
        "233 Lakeshore Drive",
        "IL",
        "60601",
        "US",
        "America/Chicago",
        "+1 312-555-01",
        5
    ),
    office!(
        "Toronto",
        "88 Queen Street West",
        "ON",
        "M5H 2N2",
        "CA",
        "America/Toronto",
        "+1 416-555-01",
        5
    ),
    office!(
        "Mexico City",
        "Avenida Reforma 250",
        "CDMX",
        "06600",
        "MX",
        "America/Mexico_City",
        "+1 201-555-01",
        3
    ),
    office!(
        "São Paulo",
        "Avenida Paulista 1500",
        "SP",
        "01310-200",
        "BR",
        "America/Sao_Paulo",
        "+1 201-555-01",
        3
    ),
    office!(
        "London",
        "12 Finsbury Square",
        "England",
        "EC2A 1AS",
        "GB",
        "Europe/London",
        "+44 20 7946 00",
        8
    ),
    office!(
        "Dublin",
        "4 Grand Canal Quay",
        "Leinster",
        "D02 X285",
        "IE",
        "Europe/Dublin",
        "+1 201-555-01",
        4
    ),
    office!(
        "Berlin",
        "Friedrichstrasse 120",
        "Berlin",
        "10117",
        "DE",
        "Europe/Berlin",
        "+1 201-555-01",
        5
    ),
    office!(
        "Paris",
        "18 Rue de la Paix",
        "Ile-de-France",
        "75002",
        "FR",
        "Europe/Paris",
        "+1 201-555-01",
        4
    ),
    office!(
        "Madrid",
        "Calle de Alcala 45",
        "Madrid",
        "28014",
        "ES",
        "Europe/Madrid",
        "+1 201-555-01",
        3
    ),
    office!(
        "Stockholm",
        "Sveavagen 20",
        "Stockholm",
        "111 57",
        "SE",
        "Europe/Stockholm",
        "+1 201-555-01",
        2
    ),
    office!(
        "Warsaw",
        "ul. Prosta 51",
        "Mazowieckie",
        "00-838",
        "PL",
        "Europe/Warsaw",
        "+1 201-555-01",
        3
    ),
    office!(
        "Nairobi",
        "Riverside Drive 14",
        "Nairobi",
        "00100",
        "KE",
        "Africa/Nairobi",
        "+1 201-555-01",
        2
    ),
    office!(
        "Dubai",
        "Sheikh Zayed Road 7",
        "Dubai",
        "00000",
        "AE",
        "Asia/Dubai",
        "+1 201-555-01",
        2
    ),
    office!(
        "Bengaluru",
        "42 Residency Road",
        "Karnataka",
        "560025",
        "IN",
        "Asia/Kolkata",
        "+1 201-555-01",
        9
    ),
    office!(
        "Singapore",
        "10 Marina Boulevard",
        "Singapore",
        "018983",
        "SG",
        "Asia/Singapore",
        "+1 201-555-01",
        4
    ),
    office!(
        "Tokyo",
        "2-1 Marunouchi",
        "Tokyo",
        "100-0005",
        "JP",
        "Asia/Tokyo",
        "+1 201-555-01",
        4
    ),
    office!(
        "Sydney",
        "200 George Street",
        "NSW",
        "2000",
        "AU",
        "Australia/Sydney",
        "+1 201-555-01",
        3
    ),
];

/// A department: its division, cost center and the jobs in it.
pub(crate) struct Department {
    pub(crate) name: &'static str,
    pub(crate) division: &'static str,
    pub(crate) cost_center: &'static str,
    pub(crate) jobs: &'static [&'static str],
    /// Relative head count.
    pub(crate) weight: u32,
}

const PRODUCT_ENGINEERING: &str = "Product & Engineering";
const GO_TO_MARKET: &str = "Go-to-Market";
const GENERAL_ADMIN: &str = "General & Administrative";

/// The departments, in a fixed order (part of the seed semantics).
pub(crate) const DEPARTMENTS: &[Department] = &[
    Department {
        name: "Engineering",
        division: PRODUCT_ENGINEERING,
        cost_center: "CC-1100",
        jobs: &[
            "Software Engineer",
            "Site Reliability Engineer",
            "QA Engineer",
            "Engineering Manager",
            "Data Engineer",
            "Mobile Engineer",
        ],
        weight: 25,
    },
    Department {
        name: "Product",
        division: PRODUCT_ENGINEERING,
        cost_center: "CC-1200",
        jobs: &[
            "Product Manager",
            "Product Designer",
            "UX Researcher",
            "Technical Writer",
        ],
        weight: 7,
    },
    Department {
        name: "Security",
        division: PRODUCT_ENGINEERING,
        cost_center: "CC-1300",
        jobs: &[
            "Security Engineer",
            "Security Analyst",
            "Security Architect",
        ],
        weight: 3,
    },
    Department {
        name: "Data Science",
        division: PRODUCT_ENGINEERING,
        cost_center: "CC-1400",
        jobs: &[
            "Data Scientist",
            "Machine Learning Engineer",
            "Analytics Engineer",
        ],
        weight: 4,
    },
    Department {
        name: "Sales",
        division: GO_TO_MARKET,
        cost_center: "CC-2100",
        jobs: &[
            "Account Executive",
            "Sales Development Representative",
            "Sales Engineer",
            "Regional Sales Manager",
        ],
        weight: 15,
    },
    Department {
        name: "Marketing",
        division: GO_TO_MARKET,
        cost_center: "CC-2200",
        jobs: &[
            "Marketing Manager",
            "Content Strategist",
            "Growth Analyst",
            "Brand Designer",
        ],
        weight: 7,
    },
    Department {
        name: "Customer Success",
        division: GO_TO_MARKET,
        cost_center: "CC-2300",
        jobs: &[
            "Customer Success Manager",
            "Support Specialist",
            "Implementation Consultant",
        ],
        weight: 10,
    },
    Department {
        name: "Finance",
        division: GENERAL_ADMIN,
        cost_center: "CC-3100",
        jobs: &[
            "Accountant",
            "Financial Analyst",
            "Controller",
            "Payroll Specialist",
        ],
        weight: 5,
    },
    Department {
        name: "People",
        division: GENERAL_ADMIN,
        cost_center: "CC-3200",
        jobs: &[
            "HR Business Partner",
            "Recruiter",
            "People Operations Specialist",
        ],
        weight: 4,
    },
    Department {
        name: "Legal",
        division: GENERAL_ADMIN,
        cost_center: "CC-3300",
        jobs: &["Counsel", "Paralegal", "Compliance Analyst"],
        weight: 2,
    },
    Department {
        name: "IT",
        division: GENERAL_ADMIN,
        cost_center: "CC-3400",
        jobs: &[
            "IT Administrator",
            "Systems Engineer",
            "Help Desk Technician",
            "Identity Engineer",
        ],
        weight: 4,
    },
    Department {
        name: "Operations",
        division: "Operations",
        cost_center: "CC-4100",
        jobs: &[
            "Operations Manager",
            "Business Analyst",
            "Program Manager",
            "Procurement Specialist",
        ],
        weight: 6,
    },
];

/// Seniority prefixes for job titles, with relative weights.
pub(crate) const LEVELS: &[(&str, u32)] = &[
    ("", 40),
    ("Senior ", 25),
    ("Associate ", 12),
    ("Staff ", 8),
    ("Lead ", 7),
    ("Principal ", 5),
    ("Director, ", 3),
];

/// Fictional company names for `organization` (Microsoft's sample companies).
pub(crate) const ORGANIZATIONS: &[&str] = &[
    "Contoso Ltd",
    "Fabrikam Inc",
    "Northwind Traders",
    "Tailspin Toys",
    "Wingtip Toys",
    "Adventure Works",
    "Woodgrove Bank",
    "Litware Inc",
];

/// Project code names for project groups.
pub(crate) const PROJECTS: &[&str] = &[
    "Apollo",
    "Borealis",
    "Cascade",
    "Denali",
    "Everest",
    "Falcon",
    "Granite",
    "Horizon",
    "Ion",
    "Juniper",
    "Kestrel",
    "Lighthouse",
    "Meridian",
    "Nimbus",
    "Orion",
    "Pioneer",
    "Quasar",
    "Redwood",
    "Sequoia",
    "Tundra",
    "Unity",
    "Vanguard",
    "Willow",
    "Zephyr",
];

/// Groups by role or status.
pub(crate) const ROLE_GROUPS: &[&str] = &[
    "All Employees",
    "People Managers",
    "Executives",
    "Contractors",
    "New Hires",
    "Remote Workers",
    "On-Call Engineers",
    "IT Admins",
    "Security Champions",
    "Interns",
    "Finance Approvers",
    "Help Desk",
    "Release Managers",
    "Sales Leadership",
    "Mentors",
    "Wellness Committee",
];

/// Okta entitlement kinds, in the order entitlements cycle through them.
pub(crate) const ENTITLEMENT_KINDS: &[(&str, &[&str])] = &[
    (
        "License",
        &[
            "Microsoft 365 E3",
            "Microsoft 365 E5",
            "Google Workspace Business",
            "Salesforce Sales Cloud",
            "Slack Enterprise Grid",
            "Zoom Business",
            "Adobe Creative Cloud",
            "Jira Software",
            "Confluence",
            "GitHub Enterprise",
            "Figma Professional",
            "Tableau Creator",
            "DocuSign eSignature",
            "Workday HCM",
            "ServiceNow ITSM",
            "Zendesk Suite",
            "Miro Business",
            "Notion Plus",
            "1Password Business",
            "Dropbox Business",
        ],
    ),
    (
        "Profile",
        &[
            "Standard User",
            "System Administrator",
            "Read Only",
            "Marketing User",
            "Sales User",
            "Support Agent",
            "Contract Manager",
            "Solution Manager",
            "Analytics Viewer",
            "Partner User",
            "Billing Manager",
            "Developer",
        ],
    ),
    (
        "Permission",
        &[
            "Export Reports",
            "Manage Users",
            "View Billing",
            "API Access",
            "Approve Expenses",
            "Modify All Data",
            "View All Data",
            "Manage Dashboards",
            "Run Payroll",
            "Delete Records",
            "Manage Integrations",
            "Audit Log Access",
            "Create Projects",
            "Edit Price Books",
            "Impersonate Users",
        ],
    ),
];

/// Okta role names.
pub(crate) const ROLES: &[&str] = &[
    "Administrator",
    "Help Desk Administrator",
    "Read-Only Administrator",
    "Application Administrator",
    "Billing Administrator",
    "Security Auditor",
    "Compliance Officer",
    "Developer",
    "Release Manager",
    "Support Agent",
    "Report Viewer",
    "Approver",
    "Org Admin",
    "Group Membership Admin",
    "API Access Manager",
    "Mobile Admin",
];
