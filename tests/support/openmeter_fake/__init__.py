"""An OpenMeter-v3-compatible fake, stateful like the server, for tests.

from tests.support.openmeter_fake import FakeOpenMeter, serve_http, Fault
fake = FakeOpenMeter()              # validate=True: every request and answer is checked
fake.events                         # accepted CloudEvents, in arrival order
fake.event_requests                 # (content_type, count) per accepted ingest request
fake.requests                       # (method, path) of every request received
fake.violations                     # contract violations seen (a test should assert [])
fake.inject(Fault(path="/openmeter/events", method="POST", status=429, retry_after=1))
with serve_http(fake, latency_s=0.005) as base_url:   # http://127.0.0.1:<port>/api/v3/openmeter
    ...
transport = fake.transport()        # httpx transport for in-process use
"""

from tests.support.openmeter_fake.fake import FakeOpenMeter
from tests.support.openmeter_fake.faults import Fault
from tests.support.openmeter_fake.http_server import serve_http
from tests.support.openmeter_fake.problems import FakeResponse

__all__ = ["FakeOpenMeter", "FakeResponse", "Fault", "serve_http"]
