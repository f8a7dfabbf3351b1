"""The real client address behind the configured number of trusted reverse proxies."""

from django.conf import settings


def client_ip(request) -> str:
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        # Each trusted proxy appends the address it saw; the client is the one the outermost proxy saw.
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")
