"""The 835s of the tests, every figure worked out by hand on the fixtures.

Acme PPO's contract (fixtures/payers.yaml): J0013 15.58/mg (56 mg = 872.48), 99214 154.58,
99415 23.60, 99416 11.43; charges 952.00, 285.00, 80.00, 40.00 (1,357.00 a visit).
The estimate (tests.api.estimate_requests.spravato, deductible 1,500.00 unmet, 20 %,
copay 30.00) gives these patient shares:
- visit 1 (2027-01-04): J0013 deductible 872.48; 99214 copay 30.00         -> 902.48
- visit 2 (2027-01-07): J0013 deductible 627.52 + 20 % of 244.96 = 48.99;
  99214 copay 30.00                                                       -> 706.51
- visit 3 (2027-01-11): J0013 20 % of 872.48 = 174.50; 99214 30.00       -> 204.50
"""
from tests.remittances.edi import interchange

MEMBER = "W123456789"
PATIENT = ("DOE", "JANE")


def patient(member=MEMBER):
    return f"NM1*QC*1*{PATIENT[0]}*{PATIENT[1]}****MI*{member}"


# The payer paid J0013 at 15.00/mg (56 x 15.00 = 840.00) and 99214 at 150.00 then 151.00,
# and denied visit 2 for missing authorization (CO-197 of every charge).
# Visit 1: J0013 allowed 840.00, all deductible (PR-1 840.00), CO-45 952.00 - 840.00 =
#   112.00; 99214 allowed 150.00 (AMT*B6), copay PR-3 30.00, paid 120.00, CO-45 135.00;
#   99415 paid 23.60, CO-45 56.40; 99416 paid 11.43, CO-45 28.57.
# Visit 3: the payer's deductible left: 1500.00 - 840.00 = 660.00; J0013 840.00: PR-1
#   660.00, PR-2 20 % of 180.00 = 36.00, paid 144.00, CO-45 112.00; 99214 151.00 (paid
#   121.00 + PR-3 30.00, no AMT*B6), CO-45 134.00; 99415 and 99416 as on visit 1.
# CLP03 3 x 1357.00 = 4071.00; CLP04 155.03 + 0 + 300.03 = 455.06; CLP05 870.00 + 726.00 =
# 1596.00.
DRIFT_AND_DENIAL = [
    "CLP*MRN-1001*1*4071.00*455.06*1596.00*12*ACME27001", patient(),
    "DTM*232*20270104", "DTM*233*20270111",
    "SVC*HC:J0013*952.00*0.00**56", "DTM*472*20270104", "CAS*PR*1*840.00",
    "CAS*CO*45*112.00", "AMT*B6*840.00",
    "SVC*HC:99214*285.00*120.00**1", "DTM*472*20270104", "CAS*PR*3*30.00",
    "CAS*CO*45*135.00", "AMT*B6*150.00",
    "SVC*HC:99415*80.00*23.60**1", "DTM*472*20270104", "CAS*CO*45*56.40",
    "SVC*HC:99416*40.00*11.43**1", "DTM*472*20270104", "CAS*CO*45*28.57",
    "SVC*HC:J0013*952.00*0.00**56", "DTM*472*20270107", "CAS*CO*197*952.00",
    "SVC*HC:99214*285.00*0.00**1", "DTM*472*20270107", "CAS*CO*197*285.00",
    "SVC*HC:99415*80.00*0.00**1", "DTM*472*20270107", "CAS*CO*197*80.00",
    "SVC*HC:99416*40.00*0.00**1", "DTM*472*20270107", "CAS*CO*197*40.00",
    "SVC*HC:J0013*952.00*144.00**56", "DTM*472*20270111", "CAS*PR*1*660.00**2*36.00",
    "CAS*CO*45*112.00",
    "SVC*HC:99214*285.00*121.00**1", "DTM*472*20270111", "CAS*PR*3*30.00",
    "CAS*CO*45*134.00",
    "SVC*HC:99415*80.00*23.60**1", "DTM*472*20270111", "CAS*CO*45*56.40",
    "SVC*HC:99416*40.00*11.43**1", "DTM*472*20270111", "CAS*CO*45*28.57",
]


def drift_and_denial(control="000000101"):
    return interchange(DRIFT_AND_DENIAL, "455.06", control)


# Visit 1 paid exactly as estimated: J0013 872.48 to the deductible (CO-45 79.52),
# 99214 copay 30.00 + paid 124.58 (CO-45 130.42), 99415 23.60 (CO-45 56.40), 99416 11.43
# (CO-45 28.57). CLP04 124.58 + 23.60 + 11.43 = 159.61; CLP05 902.48.
def visit_1(claim_number="ACME27002", status="1", sign=""):
    s = sign
    return [
        f"CLP*MRN-1001*{status}*{s}1357.00*{s}159.61*{s}902.48*12*{claim_number}", patient(),
        f"SVC*HC:J0013*{s}952.00*0.00**56", "DTM*472*20270104", f"CAS*PR*1*{s}872.48",
        f"CAS*CO*45*{s}79.52",
        f"SVC*HC:99214*{s}285.00*{s}124.58**1", "DTM*472*20270104", f"CAS*PR*3*{s}30.00",
        f"CAS*CO*45*{s}130.42",
        f"SVC*HC:99415*{s}80.00*{s}23.60**1", "DTM*472*20270104", f"CAS*CO*45*{s}56.40",
        f"SVC*HC:99416*{s}40.00*{s}11.43**1", "DTM*472*20270104", f"CAS*CO*45*{s}28.57",
    ]
