"""The ETH/USD price stage: a static price, or a price URL refreshed in the background.

URL mode: a `generate` input next to the event input ticks every few seconds; a `cached` fetch
(TTL = the refresh period) reaches the URL only when the last success is older than that, and
each success is copied into a cache entry without expiry, so a failed refresh keeps the last good
price. Events wait (retried with backoff, nothing acknowledged) until a first price exists.
"""

from __future__ import annotations

from typing import Any

from collector import literals
from collector.markup import decimal_text
from settings.model import PriceUrl, StaticPrice

PRICE_CACHE = "eth_usd_price"
FETCH_CACHE = "eth_usd_fetch"
PRICE_KEY = "eth_usd"
# Expiry of the last good price: effectively never (a memory cache needs a finite TTL).
_NO_EXPIRY = "87600h"

# Accepts {"price": x}, {"ethereum": {"usd": x}} or {"data": {"amount": "x"}}; x a JSON number
# or a decimal string. JSON numbers keep their literal digits (Benthos parses with UseNumber).
PRICE_FROM_RESPONSE = r"""let body = this
let raw = match {
  $body.type() != "object" => throw("price response is not a JSON object")
  $body.price != null => $body.price
  $body.ethereum.type() == "object" && $body.ethereum.usd != null => $body.ethereum.usd
  $body.data.type() == "object" && $body.data.amount != null => $body.data.amount
  _ => throw("price response has none of price, ethereum.usd, data.amount")
}
let text = match $raw.type() {
  "number" => $raw.string()
  "string" => $raw.trim()
  _ => throw("price is neither a number nor a string")
}
root = if $text.re_match("^[0-9]+(\\.[0-9]+)?$") && $text.re_match("[1-9]") { $text } else {
  throw("price %q is not a positive decimal number".format($text))
}
"""


PRICE_IS_VALID = r"""let text = content().string()
root = if $text.re_match("^[0-9]+(\\.[0-9]+)?$") && $text.re_match("[1-9]") { $text } else {
  throw("cached ETH/USD price %q is not a positive decimal number".format($text))
}
"""


def static_price_text(price: StaticPrice) -> str:
    try:
        return decimal_text(price.eth_usd)
    except ValueError as err:
        raise ValueError(
            f"collectorEthUsdPrice {price.eth_usd} must be a positive decimal price"
        ) from err


def price_processors(price: StaticPrice | PriceUrl) -> list[dict[str, Any]]:
    """Sets metadata `eth_usd` (a decimal string) on every event.

    A static price needs no processor: the event mapping carries it (and its digits) as
    constants and sets the same metadata itself (collector/event_mapping.py).
    """
    if isinstance(price, StaticPrice):
        return []
    return [
        {
            "label": "attach_eth_usd_price",
            "branch": {
                "request_map": 'root = ""',
                "processors": [
                    {
                        # Unbounded: without a price no event may be billed, so events wait
                        # (back-pressure on Kafka) and the refresher logs why.
                        "retry": {
                            "backoff": {
                                "initial_interval": "200ms",
                                "max_interval": "5s",
                                "max_elapsed_time": "0s",
                            },
                            "processors": [
                                {
                                    "cache": {
                                        "resource": PRICE_CACHE,
                                        "operator": "get",
                                        "key": PRICE_KEY,
                                    }
                                }
                            ],
                        }
                    }
                ],
                "result_map": "meta eth_usd = content().string()",
            },
        }
    ]


def price_caches(price: StaticPrice | PriceUrl) -> list[dict[str, Any]]:
    if isinstance(price, StaticPrice):
        return []
    return [
        {"label": PRICE_CACHE, "memory": {"default_ttl": _NO_EXPIRY}},
        {"label": FETCH_CACHE, "memory": {"default_ttl": f"{price.refresh_seconds}s"}},
    ]


def refresher_input(price: PriceUrl) -> dict[str, Any]:
    """A tick input whose processors refresh the price and then drop the tick."""
    url = literals.plain(price.url, "collectorPriceUrl")
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"collectorPriceUrl {url!r} must be an http(s) URL")
    # Ticks retry a failed fetch soon; the fetch cache TTL keeps successes to one per period.
    tick = min(price.refresh_seconds, 5)
    return {
        "label": "eth_usd_price_refresh",
        "generate": {"interval": f"{tick}s", "mapping": "root = {}"},
        "processors": [
            {
                "try": [
                    {
                        "cached": {
                            "cache": FETCH_CACHE,
                            "key": PRICE_KEY,
                            "ttl": f"{price.refresh_seconds}s",
                            # Not a default: without it a failed fetch would be cached as well.
                            "skip_on": "errored()",
                            "processors": [
                                {
                                    "http": {
                                        "url": url,
                                        "verb": "GET",
                                        "headers": {"Accept": "application/json"},
                                        "timeout": "10s",
                                        "retries": 2,
                                        "retry_period": "1s",
                                    }
                                },
                                {"label": "eth_usd_from_response", "mapping": PRICE_FROM_RESPONSE},
                            ],
                        }
                    },
                    {
                        "cache": {
                            "resource": PRICE_CACHE,
                            "operator": "set",
                            "key": PRICE_KEY,
                            "value": "${! content() }",
                        }
                    },
                ]
            },
            {
                "catch": [
                    {
                        "log": {
                            "level": "ERROR",
                            "message": "ETH/USD price refresh failed, keeping the last good "
                            "price (events wait if there is none yet): ${! error() }",
                        }
                    }
                ]
            },
            {"mapping": "root = deleted()"},
        ],
    }
