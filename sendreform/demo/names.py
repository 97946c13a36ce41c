"""Small built-in word lists for the synthetic local area: forenames, invented surnames, invented place names
for settings and clusters, and the free text of surveys and part-time timetables. Nothing here names a real
person or a real school."""

FORENAMES_F = (
    "Amara", "Bella", "Chloe", "Daisy", "Eliza", "Freya", "Grace", "Hana", "Isla", "Jasmine", "Keira",
    "Layla", "Maya", "Nadia", "Olivia", "Poppy", "Ruby", "Sofia", "Tilly", "Una", "Violet", "Willow",
    "Yasmin", "Zara", "Aisha", "Beatrice", "Carys", "Darcey", "Esme", "Fatima", "Georgia", "Harriet",
    "Imogen", "Jade", "Kiran", "Lily", "Mia", "Niamh", "Orla", "Priya", "Rosa", "Sienna", "Tara", "Zoe",
)
FORENAMES_M = (
    "Aarav", "Ben", "Caleb", "Dylan", "Ethan", "Finn", "George", "Harry", "Ibrahim", "Jack", "Kai", "Leo",
    "Mason", "Noah", "Oscar", "Precious", "Reuben", "Sami", "Theo", "Umar", "Vikram", "William", "Xavier",
    "Yusuf", "Zachary", "Adam", "Bilal", "Charlie", "Daniel", "Elijah", "Felix", "Hamza", "Isaac", "Jayden",
    "Kofi", "Louis", "Mohammed", "Nathan", "Olly", "Rory", "Stanley", "Tobias", "Alfie", "Joshua",
)
# Invented surnames (compounds of common English place-name parts), so no record reads as a real family.
SURNAMES = (
    "Ashcombe", "Birchley", "Bramblecote", "Calderwick", "Dunmere", "Elmsworth", "Fernleigh", "Foxhollow",
    "Glenholm", "Hartwell", "Hazelby", "Ivystone", "Juniper", "Kestrelby", "Larkmoor", "Lindenfield",
    "Marshcombe", "Millbeck", "Northbrook", "Oakhurst", "Pebbleford", "Quillfield", "Ravensby", "Redmarsh",
    "Rowanleigh", "Saltmere", "Sedgewick", "Thornbury", "Tidewell", "Underhill", "Vanecroft", "Wexcombe",
    "Willowby", "Wrenfield", "Yarrowby", "Ambleton", "Brackenridge", "Cobbleston", "Dovecote", "Emberley",
    "Fallowfield", "Greystoke", "Heathcote", "Inglenook", "Kingsmere", "Lowther", "Moorcroft", "Nettlebed",
    "Orchardson", "Primrose", "Quarrington", "Rushmere", "Stonebridge", "Tanglewood", "Upton-Vale",
    "Winterbourne", "Okafor-Lane", "Begum-Hart", "Singh-Rowe", "Kowalski-Dean", "Adeyemi-Brook", "Chen-Marsh",
)

# Invented place names for clusters and settings.
CLUSTER_NAMES = ("Riverside", "Kennet Meadows", "Northfield", "Eastbrook", "Westwood Vale", "Southmead")
PLACES = (
    "Alderbrook", "Bellwood", "Bramhill", "Caldecott", "Coldharbour", "Daneswick", "Elmhurst", "Fairmead",
    "Fennimore", "Gorsebank", "Greenhollow", "Hartsbourne", "Hollybush", "Ivybridge Lane", "Jubilee Park",
    "Kingfisher", "Larchwood", "Lockside", "Marigold", "Meadowcroft", "Millstream", "Newbarn", "Oakfield",
    "Orchard Rise", "Pennyroyal", "Quayside", "Redwing", "Rookery", "Sandpiper", "Silverbirch", "Springvale",
    "Sycamore", "Thistledown", "Tollgate", "Upperwood", "Valley Road", "Watermead", "Whitethorn",
    "Willowbank", "Woodlark", "Yewtree", "Ashgrove", "Beacon Hill", "Bluebell", "Cherrytree", "Dovefield",
    "Evergreen", "Foxglove", "Goldcrest", "Hawthorn", "Heronsgate", "Juniper Way", "Kestrel", "Lavender",
    "Magpie Lane", "Nightingale", "Otterbrook", "Parkside", "Primrose Hill", "Rosewood", "Skylark",
    "Starling", "Swallowfield Road", "Teasel", "Wagtail", "Wildflower", "Brookside", "Hilltop", "Moorside",
)

AP_PROVIDER_NAMES = (
    "Bridges Learning Centre", "Second Chance Workshop", "Open Road Motor Project", "Green Shoots Farm School",
    "Studio Nine Creative Arts", "Steps Tuition Service", "Harbour Outreach", "Compass Boxing Academy",
    "Workbench Skills Centre", "Forest Trails Outdoor Learning", "Bright Minds Online", "Kitchen Table Catering",
)

PTT_REASONS = (
    "Anxiety-related non-attendance: phased return",
    "Medical needs: agreed with health professional",
    "Awaiting specialist placement",
    "Reintegration after suspension",
    "Emotional dysregulation: reduced day while support is put in place",
    "Transition from alternative provision",
)

SURVEY_QUESTIONS = {
    "PARENT_CONFIDENCE": (
        "I am confident my child's needs are understood",
        "I am confident my child gets the support they need",
        "I know who to contact about my child's support",
    ),
    "CYP_BELONGING": ("I feel I belong at my school", "There is an adult at school I can talk to"),
    "STAFF_CONFIDENCE": (
        "I feel confident meeting the needs of pupils with SEND",
        "I know how to get specialist advice when I need it",
    ),
    "EAH_PARENT_FEEDBACK": ("The support from Experts at Hand made a difference for my child",),
}

SURVEY_COMMENTS = (
    "Communication has improved this year.",
    "We waited a long time to hear back.",
    "The new SENCo has been brilliant.",
    "Still not sure who to call when things go wrong.",
    "My child is happier going to school now.",
    "Transport arrangements were confusing.",
    "The therapist's visits really helped the class team.",
    "Too many meetings, not enough change.",
)
