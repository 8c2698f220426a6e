"""Pulumi entry point: stack config -> typed settings -> the clearinghouse component."""

import pulumi

from catalog import load_catalog
from components.clearinghouse import Clearinghouse, ClearinghouseArgs
from settings import ConfigError, load_from_pulumi

# Both parse fully before anything is declared, so bad config declares nothing.
try:
    settings = load_from_pulumi()
except ConfigError as err:
    # RunError is reported by the engine as a plain message, without a Python traceback.
    raise pulumi.RunError(str(err)) from None
catalog = load_catalog()

clearinghouse = Clearinghouse(
    "clearinghouse", ClearinghouseArgs(settings=settings, catalog=catalog)
)
for key, value in clearinghouse.outputs.items():
    pulumi.export(key, value)
