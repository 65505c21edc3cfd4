"""The Good Faith Estimate of a stored estimate: HTML, PDF and a FHIR GFE Bundle."""
import orjson
from flask import Response, current_app
from flask.views import MethodView

from costapi.api.access import allow
from costapi.api.estimates import ESTIMATE_ID
from costapi.api.parsing import Blueprint
from costapi.documents import Clinic, fhir_bundle, render_html, render_pdf
from costapi.services.good_faith import good_faith_estimate

blp = Blueprint("good_faith", __name__, url_prefix="/api/v1/estimates",
                description="Good Faith Estimates (No Surprises Act)")

PATIENT_REQUIRED = ("The estimate has no patient name and date of birth (error "
                    "gfe_patient_required; errors.json.patient names the missing fields).")


def _document(estimate_id):
    config = current_app.config
    clinic = Clinic(config["CLINIC_NAME"], config["CLINIC_NPI"], config["CLINIC_TIN"],
                    config["CLINIC_ADDRESS"], config["CLINIC_PHONE"])
    return good_faith_estimate(estimate_id, clinic)


def _responses(media_type, schema):
    return {"responses": {"200": {"description": "The Good Faith Estimate",
                                  "content": {media_type: {"schema": schema}}}}}


@blp.route(f"/{ESTIMATE_ID}/gfe")
class GoodFaithHtml(MethodView):
    @allow("billing")
    @blp.doc(**_responses("text/html", {"type": "string"}))
    @blp.alt_response(404, description="No such estimate.")
    @blp.alt_response(409, description=PATIENT_REQUIRED)
    def get(self, estimate_id):
        """The Good Faith Estimate as an HTML page"""
        return Response(render_html(_document(estimate_id)), mimetype="text/html")


@blp.route(f"/{ESTIMATE_ID}/gfe.pdf")
class GoodFaithPdf(MethodView):
    @allow("billing")
    @blp.doc(**_responses("application/pdf", {"type": "string", "format": "binary"}))
    @blp.alt_response(404, description="No such estimate.")
    @blp.alt_response(409, description=PATIENT_REQUIRED)
    def get(self, estimate_id):
        """The Good Faith Estimate as a PDF (letter size)"""
        response = Response(render_pdf(_document(estimate_id)), mimetype="application/pdf")
        response.headers["Content-Disposition"] = (
            f'inline; filename="good-faith-estimate-{estimate_id}.pdf"')
        return response


@blp.route(f"/{ESTIMATE_ID}/gfe.fhir.json")
class GoodFaithFhir(MethodView):
    @allow("billing")
    @blp.doc(**_responses("application/fhir+json", {"type": "object"}))
    @blp.alt_response(404, description="No such estimate.")
    @blp.alt_response(409, description=PATIENT_REQUIRED)
    def get(self, estimate_id):
        """The Good Faith Estimate as a Da Vinci PCT style FHIR Bundle (Claim, predetermination)"""
        return Response(orjson.dumps(fhir_bundle(_document(estimate_id))),
                        mimetype="application/fhir+json")
