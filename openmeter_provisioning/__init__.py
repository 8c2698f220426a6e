"""OpenMeter v3 catalog provisioning: an httpx client and Pulumi dynamic providers.

Imports nothing Docker-related and nothing from components/.
"""
