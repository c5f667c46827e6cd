"""The one place that talks to Twilio: signature checks, TwiML builders and the REST gateway."""
