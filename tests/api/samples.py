"""Valid request bodies for the rule resources, built fresh for each test."""


def service(code="96365", **changes):
    return {"code": code, "description": "IV infusion, first hour", "category": "administration",
            "charge": "450.00", "cash_price": "400.00", **changes}


def plan(code="iv-series", service_code="96365", **changes):
    return {"code": code, "name": "IV ketamine series", "modality": "ketamine_iv",
            "description": "6 infusions then boosters",
            "phases": [
                {"name": "induction", "kind": "induction", "sessions": 6, "per_week": 3,
                 "visit": [{"service": service_code, "units": 1}]},
                {"name": "maintenance", "kind": "maintenance", "sessions": 4, "interval_days": 28,
                 "sessions_min": 2, "sessions_max": 8,
                 "visit": [{"service": service_code, "units": 1}]},
            ], **changes}


def payer(code="acme-ppo", **changes):
    return {"code": code, "name": "Acme Health PPO", "kind": "commercial",
            "eligibility_payer_id": "60054", "default_allowed_percent": "0.70",
            "out_of_network_allowed_percent": "0.50",
            "rates": [{"service": "96365", "allowed": "210.00", "effective_from": "2026-01-01",
                       "effective_to": None}],
            "policies": [{"modality": "ketamine_iv", "service": None, "category": None,
                          "covered": False, "reason": "Experimental/investigational",
                          "prior_authorization": False, "diagnosis_codes": [],
                          "max_visits_per_year": None, "effective_from": "2026-01-01",
                          "effective_to": None}],
            **changes}


def program(code="spravato-savings", **changes):
    return {"code": code, "name": "Spravato savings program", "services": ["96365"],
            "categories": [], "payer_kinds": ["commercial"], "patient_pays_per_visit": "10.00",
            "annual_max": "7150.00", **changes}


def sliding_scale(code="sliding-scale", **changes):
    return {"code": code, "name": "Sliding scale", "kind": "sliding_scale",
            "poverty_base": "15650.00", "poverty_per_additional_person": "5500.00",
            "tiers": [{"max_percent_of_poverty": 150, "percent_off": "0.50"},
                      {"max_percent_of_poverty": 250, "percent_off": "0.30"}], **changes}


def package(code="iv-package", **changes):
    return {"code": code, "name": "IV induction package", "kind": "package",
            "plan": "iv-series", "phase": "induction", "sessions": 6, "price": "2400.00",
            **changes}
