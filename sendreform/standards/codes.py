"""Every code list of the canonical schema, from SEN2, the school census (CBDS) and our own workflows.

Each list is an ordered mapping of code to a plain-English label; `CODE_LISTS` names them so that
validators, model constraints and the data-quality check all read one source.
"""

from types import MappingProxyType


def _codes(**labels: str) -> MappingProxyType:
    return MappingProxyType(dict(labels))


SEX = _codes(M="Male", F="Female", U="Unknown")

# CBDS ethnicity codes (main and minor groups as the school census uses them).
ETHNICITY = _codes(
    WBRI="White - British",
    WIRI="White - Irish",
    WIRT="Traveller of Irish heritage",
    WOTH="Any other White background",
    WROM="Gypsy / Roma",
    MWBC="White and Black Caribbean",
    MWBA="White and Black African",
    MWAS="White and Asian",
    MOTH="Any other mixed background",
    AIND="Indian",
    APKN="Pakistani",
    ABAN="Bangladeshi",
    AOTH="Any other Asian background",
    BCRB="Black Caribbean",
    BAFR="Black - African",
    BOTH="Any other Black background",
    CHNE="Chinese",
    OOTH="Any other ethnic group",
    REFU="Refused",
    NOBT="Information not yet obtained",
)

# CBDS major ethnic group of each code: the breakdown the KPI catalogue uses.
ETHNIC_GROUP = MappingProxyType(
    {
        **{c: "WHITE" for c in ("WBRI", "WIRI", "WIRT", "WOTH", "WROM")},
        **{c: "MIXED" for c in ("MWBC", "MWBA", "MWAS", "MOTH")},
        **{c: "ASIAN" for c in ("AIND", "APKN", "ABAN", "AOTH")},
        **{c: "BLACK" for c in ("BCRB", "BAFR", "BOTH")},
        "CHNE": "CHINESE",
        "OOTH": "OTHER",
        "REFU": "UNCLASSIFIED",
        "NOBT": "UNCLASSIFIED",
    }
)

PHASE = _codes(EY="Early years", PRIMARY="Primary", SECONDARY="Secondary", ALL_THROUGH="All-through",
               POST16="Post-16")

ESTABLISHMENT_KIND = _codes(
    MAINSTREAM="Mainstream school",
    SPECIAL="Special school",
    AP="Alternative provision",
    FE="Further education college",
    SPECIALIST_POST16="Specialist post-16 institution",
    EY_PVI="Early years provider (private, voluntary or independent)",
)

FUNDING = _codes(
    MAINTAINED="Local authority maintained",
    ACADEMY="Academy or free school",
    INDEPENDENT="Independent",
    NON_MAINTAINED="Non-maintained",
    PVI="Private, voluntary or independent early years",
    FE_COLLEGE="Further education college",
)

SEN_PROVISION = _codes(E="Education, health and care plan", K="SEN support", N="No special educational need")

NEED_TYPE = _codes(
    SPLD="Specific learning difficulty",
    MLD="Moderate learning difficulty",
    SLD="Severe learning difficulty",
    PMLD="Profound and multiple learning difficulty",
    SEMH="Social, emotional and mental health",
    SLCN="Speech, language and communication needs",
    HI="Hearing impairment",
    VI="Vision impairment",
    MSI="Multi-sensory impairment",
    PD="Physical disability",
    ASD="Autistic spectrum disorder",
    DS="Down syndrome",
    OTH="Other difficulty or disability",
    NSA="SEN support but no specialist assessment of type of need",
)

NEED_RANK = _codes(**{"1": "Primary need", "2": "Secondary need"})

REQUEST_SOURCE = _codes(
    **{
        "1": "Parent or young person",
        "2": "School or other education setting",
        "3": "Health care professional",
        "4": "Social care professional",
        "5": "Other",
    }
)

REQUEST_OUTCOME = _codes(
    Y="Proceeded to assessment",
    N="Decided not to assess",
    A="Awaiting decision",
    W="Withdrawn or ceased before decision",
    H="Historical",
)

ASSESSMENT_OUTCOME = _codes(
    Y="Plan to be issued",
    N="Decided not to issue a plan",
    A="Awaiting decision",
    W="Withdrawn",
    H="Historical",
)

CEASE_REASON = _codes(
    **{
        "1": "Reached maximum age",
        "2": "Needs met without an EHC plan",
        "3": "Moved on to higher education",
        "4": "Moved on to paid employment",
        "5": "Transferred to another local authority in England",
        "6": "Young person no longer wishes to engage",
        "7": "Moved outside England",
        "8": "Deceased",
        "9": "Other",
    }
)

REVIEW_OUTCOME = _codes(M="Maintain the plan", A="Amend the plan", C="Cease the plan")

# Advice and information sought for an EHC needs assessment (regulation 6(1) of the 2014 Regulations).
ADVICE_TYPE = _codes(
    EP="Educational psychology",
    HEALTH="Health",
    SOCIAL_CARE="Social care",
    SETTING="Early years setting, school or college",
    OTHER="Other",
)

SEN_SETTING = _codes(
    OLA="Education otherwise than at school (other arrangements by the LA)",
    OPA="Other arrangements by parents or young person",
    EHE="Elective home education",
    EYP="Early years provider without a URN",
    OTH="Other setting",
    NEET="Not in education, employment or training (16-25)",
    NIEC="Not in education or training: notice to cease issued",
    NIEO="Not in education or training: other",
    UNPLACED="No suitable placement yet",
)

TERM = _codes(AUT="Autumn", SPR="Spring", SUM="Summer")

# School census (CBDS): a pupil's enrolment status, and the reasons a termly session was missed as the census
# reports them (termlysessiondetails). Authorised and unauthorised absence; the rest are not absence
# (present, attending elsewhere) or not counted in the sessions possible.
ENROL_STATUS = _codes(C="Current (single registration)", M="Main (dual registration)",
                      S="Subsidiary (dual registration)", F="Current FE college", O="Other provider",
                      G="Guest", P="Previous")
ATTENDANCE_AUTHORISED = _codes(
    C="Leave of absence for exceptional circumstances", C1="Leave for a regulated performance or employment",
    C2="Leave for a part-time timetable", E="Suspended or excluded, no alternative provision",
    H="Holiday authorised (before 2024)", I="Illness", J1="Interview", M="Medical or dental appointment",
    R="Religious observance", S="Study leave", T="Parent travelling for occupational purposes",
)
ATTENDANCE_UNAUTHORISED = _codes(G="Holiday not authorised", N="Reason not yet provided",
                                 O="Absent in other or unknown circumstances", U="Arrived after registers closed")
ATTENDANCE_NOT_ABSENCE = _codes(**{
    "/": "Present (morning)", "\\": "Present (afternoon)", "L": "Late, before registers closed",
    "B": "Off-site educational activity", "D": "Dual registered, at another school",
    "J": "Interview (before 2024)", "K": "Attending education arranged by the local authority",
    "P": "Approved sporting activity", "V": "Educational visit or trip", "W": "Work experience",
    "Q": "Unable to attend, lack of access arrangements", "X": "Not required to be in school",
    "Y": "Unable to attend, exceptional circumstances (before 2024)", "Y1": "Transport not available",
    "Y2": "Widespread transport disruption", "Y3": "Part of the school closed", "Y4": "Whole school closed",
    "Y5": "Criminal justice detention", "Y6": "Public health guidance or law", "Y7": "Other unavoidable cause",
    "Z": "Not on roll yet", "#": "Planned whole-school closure",
})

EXCLUSION_CATEGORY = _codes(PERM="Permanent exclusion", SUSP="Suspension", LNCH="Lunchtime exclusion")

EXCLUSION_REASON = _codes(
    PP="Physical assault against a pupil",
    PA="Physical assault against an adult",
    VP="Verbal abuse or threatening behaviour against a pupil",
    VA="Verbal abuse or threatening behaviour against an adult",
    OW="Use or threat of use of an offensive weapon or prohibited item",
    BU="Bullying",
    RA="Racist abuse",
    LG="Abuse against sexual orientation or gender identity",
    DS="Abuse relating to disability",
    SM="Sexual misconduct",
    DA="Drug and alcohol related",
    DM="Damage",
    TH="Theft",
    DB="Persistent or general disruptive behaviour",
    MT="Inappropriate use of social media or online technology",
    PH="Wilful and repeated transgression of protective measures",
)

AP_QUALITY = _codes(
    GOOD="Good", REQUIRES_IMPROVEMENT="Requires improvement", INADEQUATE="Inadequate",
    NOT_ASSESSED="Not yet assessed",
)

NEET_ACTIVITY = _codes(EET="In education, employment or training", NEET="Not in education, employment or training",
                       NOT_KNOWN="Activity not known")

COMPLAINT_ROUTE = _codes(CORPORATE="Council corporate complaint", SCHOOL="School complaint",
                         LGSCO="Local Government and Social Care Ombudsman")

TRIBUNAL_APPEAL_TYPE = _codes(
    REFUSAL_TO_ASSESS="Refusal to assess",
    REFUSAL_TO_ISSUE="Refusal to issue a plan",
    CONTENTS="Contents of the plan",
    PLACEMENT="Named placement",
    CEASE="Decision to cease",
)

TRIBUNAL_OUTCOME = _codes(
    UPHELD="Appeal upheld", PARTLY_UPHELD="Appeal partly upheld", DISMISSED="Appeal dismissed",
    WITHDRAWN="Withdrawn", CONCEDED="Conceded by the local authority",
)

SURVEY = _codes(
    PARENT_CONFIDENCE="Parent and carer confidence",
    CYP_BELONGING="Children and young people's belonging",
    STAFF_CONFIDENCE="Staff confidence",
    EAH_PARENT_FEEDBACK="Experts at Hand family feedback",
)

RESPONDENT = _codes(PARENT="Parent or carer", CYP="Child or young person", STAFF="Member of staff")

EAH_LEVEL = _codes(NONE="Not engaged", AWARE="Aware", ENGAGED="Engaged", ACTIVE="Active")

EAH_RISK_FLAG = _codes(
    SUSPENSION="At risk of suspension",
    EXCLUSION="At risk of exclusion",
    PLACEMENT_BREAKDOWN="At risk of placement breakdown",
    EHCNA_LIKELY="Request for statutory assessment likely",
    ATTENDANCE="Attendance concern",
)

EAH_TIER = _codes(UNIVERSAL="Universal", TARGETED="Targeted", TARGETED_PLUS="Targeted Plus")

EAH_OUTCOME = _codes(
    NEEDS_MET_IN_SETTING="Needs met in setting",
    ESCALATED_EHCNA="Escalated to a request for statutory assessment",
    PLACEMENT_CHANGED="Placement changed",
    WITHDRAWN="Withdrawn",
)

EAH_DISCIPLINE = _codes(
    EP="Educational psychology",
    SALT="Speech and language therapy",
    OT="Occupational therapy",
    RISE="RISE team",
    BEHAVIOUR="Behaviour support",
    SPECIALIST_TEACHER="Specialist teacher",
    MENTAL_HEALTH="Mental health",
)

# The Experts at Hand disciplines NHS health practitioners work in (the demo's health user holds one).
EAH_HEALTH_DISCIPLINES = frozenset({"SALT", "OT", "MENTAL_HEALTH"})

SETTING_CATEGORY = _codes(
    EARLY_YEARS="Early years",
    MAINSTREAM="Mainstream school",
    MAINSTREAM_BASE="Mainstream school with SEN unit or resourced provision",
    MAINTAINED_SPECIAL="Maintained special school or special academy",
    INMSS="Independent or non-maintained special school",
    AP="Alternative provision",
    POST16_MAINSTREAM="Further education college",
    POST16_SPECIALIST="Specialist post-16 institution",
    EHE="Elective home education",
    EOTAS="Education otherwise than at school",
    UNPLACED="Awaiting placement",
    NOT_IN_EDUCATION="Not in education, employment or training",
    OTHER="Other arrangements",
)

# SEN2 items with code lists of their own (the DfE's SEN2 guide, 2023-2026).
UPN_UNKNOWN = _codes(
    UN1="Aged under 6 and not yet given a UPN",
    UN2="Never attended a state-funded school in England",
    UN3="Educated outside England",
    UN5="Sources disagree on name or birth date, so the UPN cannot be matched reliably",
    UN8="New to the local authority; UPN or ULN not yet known",
    UN9="Never attended a state-funded school or further education setting in England",
    UN10="Request ended with no further action before the UPN or ULN was known",
)

RESIDENTIAL = _codes(A="Residential 38 to 51 weeks a year", B="Residential 52 weeks a year")

WORK_BASED_LEARNING = _codes(A="Apprenticeship", T="Traineeship", S="Supported internship")

DIRECT_PAYMENT = _codes(E="Education only", H="Health only", S="Social care only",
                        I="Integrated: a combination of education, health and social care")

DESIGNATED_OFFICER = _codes(Y="Yes", N="No", R="Recruitment in progress")

# CBDS extended ethnicity codes, each with the main code it belongs to (SEN2 accepts both). ABRI, AWEL,
# BBRI and BWEL (added to CBDS in 2024) are placed under "any other" background of their group.
ETHNICITY_EXTENDED = MappingProxyType(
    {
        **{c: "WBRI" for c in ("WCOR", "WENG", "WNIR", "WSCO", "WWEL", "WOWB")},
        **{c: "WOTH" for c in ("WALB", "WBOS", "WCRO", "WGRE", "WGRK", "WGRC", "WITA", "WKOS", "WPOR", "WSER",
                               "WTUR", "WTUK", "WTUC", "WEUR", "WEEU", "WWEU", "WOTW")},
        **{c: "WROM" for c in ("WROG", "WROR", "WROO")},
        **{c: "MWAS" for c in ("MWAP", "MWAI", "MWAO")},
        **{c: "MOTH" for c in ("MAOE", "MABL", "MACH", "MBOE", "MBCH", "MCOE", "MWOE", "MWCH", "MOTM")},
        **{c: "APKN" for c in ("AMPK", "AKPA", "AOPK")},
        **{c: "AOTH" for c in ("ABRI", "AWEL", "AAFR", "AKAO", "ANEP", "ASNL", "ASLT", "ASRO", "AOTA")},
        **{c: "BAFR" for c in ("BANN", "BCON", "BGHA", "BNGN", "BSLN", "BSOM", "BSUD", "BAOF")},
        **{c: "BOTH" for c in ("BBRI", "BWEL", "BEUR", "BNAM", "BOTB")},
        **{c: "CHNE" for c in ("CHKC", "CMAL", "CSNG", "CTWN", "COCH")},
        **{c: "OOTH" for c in ("OAFG", "ORAB", "OARA", "OEGY", "OFIL", "OIRN", "OIRQ", "OJPN", "OKOR", "OKRD",
                               "OLAM", "OLEB", "OLIB", "OMAL", "OMRC", "OPOL", "OTHA", "OVIE", "OYEM", "OOEG")},
    }
)

# The named lists a column can point at (canonical-schema.md writes them in CAPITALS).
CODE_LISTS: MappingProxyType = MappingProxyType(
    {
        "SEX": SEX,
        "ETHNICITY": ETHNICITY,
        "PHASE": PHASE,
        "ESTABLISHMENT_KIND": ESTABLISHMENT_KIND,
        "FUNDING": FUNDING,
        "SEN_PROVISION": SEN_PROVISION,
        "NEED_TYPE": NEED_TYPE,
        "NEED_RANK": NEED_RANK,
        "REQUEST_SOURCE": REQUEST_SOURCE,
        "REQUEST_OUTCOME": REQUEST_OUTCOME,
        "ASSESSMENT_OUTCOME": ASSESSMENT_OUTCOME,
        "CEASE_REASON": CEASE_REASON,
        "REVIEW_OUTCOME": REVIEW_OUTCOME,
        "ADVICE_TYPE": ADVICE_TYPE,
        "SEN_SETTING": SEN_SETTING,
        "TERM": TERM,
        "EXCLUSION_CATEGORY": EXCLUSION_CATEGORY,
        "EXCLUSION_REASON": EXCLUSION_REASON,
        "AP_QUALITY": AP_QUALITY,
        "NEET_ACTIVITY": NEET_ACTIVITY,
        "COMPLAINT_ROUTE": COMPLAINT_ROUTE,
        "TRIBUNAL_APPEAL_TYPE": TRIBUNAL_APPEAL_TYPE,
        "TRIBUNAL_OUTCOME": TRIBUNAL_OUTCOME,
        "SURVEY": SURVEY,
        "RESPONDENT": RESPONDENT,
        "EAH_LEVEL": EAH_LEVEL,
        "EAH_RISK_FLAG": EAH_RISK_FLAG,
        "EAH_TIER": EAH_TIER,
        "EAH_OUTCOME": EAH_OUTCOME,
        "EAH_DISCIPLINE": EAH_DISCIPLINE,
        "SETTING_CATEGORY": SETTING_CATEGORY,
        "UPN_UNKNOWN": UPN_UNKNOWN,
        "RESIDENTIAL": RESIDENTIAL,
        "WORK_BASED_LEARNING": WORK_BASED_LEARNING,
        "DIRECT_PAYMENT": DIRECT_PAYMENT,
        "DESIGNATED_OFFICER": DESIGNATED_OFFICER,
    }
)


def choices(code_list: MappingProxyType) -> list[tuple[str, str]]:
    """The list as Django-style (value, label) pairs."""
    return list(code_list.items())
