"""Fine Uploader's signature endpoint for a Flask app, under `sigv4.UploadSigner`'s rules.

    from flask import Flask
    import sigv4, sigv4.flask
    signer = sigv4.UploadSigner(credentials=sigv4.Credentials.from_environment(),
        region="eu-west-1", buckets=["my-uploads"], key_prefixes=["uploads/"],
        max_size=50 << 20, content_types=["image/"])
    app = Flask(__name__)
    app.register_blueprint(sigv4.flask.upload_blueprint(signer, url_prefix="/s3"))
    # Fine Uploader: signature: {endpoint: "/s3/sign", version: 4}

POST <prefix>/sign answers as `sigv4 serve` does: 200 with the signature, 400 for a
malformed request, 403 for one outside the rules (the reason is logged to "sigv4.uploads").
Put your own authentication in front of it (a `before_request` on the blueprint).
"""

from flask import Blueprint, Response, jsonify, request

from ._sigv4 import UploadSigner


def upload_blueprint(
    signer: UploadSigner, *, url_prefix: str = "", name: str = "sigv4_uploads"
) -> Blueprint:
    """A blueprint with POST `/sign` answering Fine Uploader's signature requests."""
    blueprint = Blueprint(name, __name__, url_prefix=url_prefix or None)

    @blueprint.post("/sign")
    def sign() -> "tuple[Response, int]":
        status, body = signer.answer(request.get_data())
        return jsonify(body), status

    return blueprint
