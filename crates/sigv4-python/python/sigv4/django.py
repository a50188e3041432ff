"""Fine Uploader's signature endpoint for a Django app, under `sigv4.UploadSigner`'s rules.

    # urls.py
    import sigv4, sigv4.django
    signer = sigv4.UploadSigner(credentials=sigv4.Credentials.from_environment(),
        region="eu-west-1", buckets=["my-uploads"], key_prefixes=["uploads/"],
        max_size=50 << 20, content_types=["image/"])
    urlpatterns = [path("s3/sign", sigv4.django.sign_view(signer))]

The view answers POST as `sigv4 serve` does (200 with the signature, 400 malformed, 403
outside the rules, 405 for other methods). Django's CSRF protection stays on: have Fine
Uploader send the token (`signature: {customHeaders: {"X-CSRFToken": token}}`), and put
your own login checks in front (`login_required(sign_view(signer))`).
"""

from typing import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from ._sigv4 import UploadSigner


def sign_view(signer: UploadSigner) -> Callable[[HttpRequest], HttpResponse]:
    """A view answering Fine Uploader's signature requests."""

    def view(request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return HttpResponse(status=405, headers={"Allow": "POST"})
        status, body = signer.answer(request.body)
        return JsonResponse(body, status=status)

    return view
