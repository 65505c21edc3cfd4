"""Hand-written 835s: the envelope around claim segments written out in each test.

Every amount in the tests' CLP/SVC/CAS segments is worked out by hand beside them; this
module only adds ISA/GS/ST ... SE/GE/IEA (SE01 counted) and the payer's header.
"""

ACME = ("ACME HEALTH PPO", "60054")


def isa(control, sender="ACMEHEALTH", receiver="EXAMPLECLINIC"):
    return (f"ISA*00*          *00*          *ZZ*{sender:<15}*ZZ*{receiver:<15}*270301*1200*^"
            f"*00501*{control:0>9}*0*P*:")


def interchange(claims, paid, control="000000101", sender="ACMEHEALTH", payer=ACME,
                payment_date="20270301"):
    """An 835 file: `claims` are segment texts without the terminator ("CLP*..."), in
    order; `paid` the BPR02 total."""
    name, identifier = payer
    body = [
        "ST*835*0001*005010X221A1",
        f"BPR*I*{paid}*C*ACH*CCP*01*999999999*DA*123456*1512345678**01*999988880*DA*98765*"
        f"{payment_date}",
        f"TRN*1*{control}*1512345678",
        f"DTM*405*{payment_date}",
        f"N1*PR*{name}*XV*{identifier}",
        "N3*1 INSURANCE WAY",
        "N4*HARTFORD*CT*06101",
        "N1*PE*EXAMPLE KETAMINE CLINIC*XX*1999999984",
        "LX*1",
        *claims,
    ]
    body.append(f"SE*{len(body) + 1}*0001")
    segments = [isa(control, sender), f"GS*HP*{sender}*EXAMPLECLINIC*20270301*1200*1*X*"
                "005010X221A1", *body, "GE*1*1", f"IEA*1*{control:0>9}"]
    return "~\n".join(segments) + "~\n"
