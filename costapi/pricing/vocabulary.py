"""The domain's words: categories, modalities, payer kinds, phase kinds, authorization states.

The one place they are listed; the API's validators, the engine, the documents and the
public calculator take them (and their labels) from here.
"""

CATEGORIES = (
    "evaluation",
    "office_visit",
    "psychotherapy",
    "administration",
    "drug",
    "monitoring",
    "supply",
    "other",
)
MODALITIES = ("esketamine_nasal", "ketamine_iv", "ketamine_im", "ketamine_oral", "kap", "other")
PAYER_KINDS = ("commercial", "medicare", "medicare_advantage", "medicaid", "medicare_supplement",
               "other")
PHASE_KINDS = ("intake", "induction", "maintenance", "follow_up")
AUTHORIZATION_STATES = ("approved", "pending", "denied", "not_requested")
NETWORKS = ("in", "out")
PROGRAM_PAYMENTS = ("point_of_sale", "rebate")  # how a program pays (3.6: paid_as)
US_STATES = (
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN",
    "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH",
    "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT",
    "VT", "VA", "WA", "WV", "WI", "WY",
)  # the 50 states and DC (coverage.patient_state, a program's excluded_states)
COVERAGE_TYPES = ("insurance", "self_pay")

MODALITY_NAMES = {
    "esketamine_nasal": "Esketamine (Spravato) nasal spray",
    "ketamine_iv": "Ketamine by intravenous (IV) infusion",
    "ketamine_im": "Ketamine by intramuscular (IM) injection",
    "ketamine_oral": "Ketamine by mouth (oral or sublingual)",
    "kap": "Ketamine-assisted psychotherapy (KAP)",
    "other": "Other treatment",
}
PAYER_KIND_NAMES = {
    "commercial": "commercial insurance plans",
    "medicare": "Medicare",
    "medicare_advantage": "Medicare Advantage plans",
    "medicaid": "Medicaid",
    "medicare_supplement": "Medicare Supplement (Medigap) plans",
    "other": "this kind of plan",
}
COVERAGE_LABELS = {
    "usually_covered": "Usually covered",
    "prior_authorization_needed": "Prior authorization needed",
    "partly_covered": "Partly covered",
    "usually_not_covered": "Usually not covered",
}
