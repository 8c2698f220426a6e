"""The clearinghouse policy pack. Constructing PolicyPack serves the analyzer protocol forever.

The policies live in the `clearinghouse_policies` package next to this file (the language host
runs this file with the pack directory on sys.path), so tests import them without this module.
"""

import importlib

from pulumi_policy import EnforcementLevel, PolicyPack

_policies = importlib.import_module("clearinghouse_policies.policies")

PolicyPack(
    name=_policies.PACK_NAME,
    policies=_policies.build_policies(),
    enforcement_level=EnforcementLevel.MANDATORY,
    description="Keeps the Livepeer signer's ports and the clearinghouse's secrets unexposed.",
    display_name="Clearinghouse port exposure and secret hygiene",
)
