"""ServeLine's edge with Twilio, shared by every channel: webhook signatures (Twilio's and the fax
provider's), the replay store, rate limits and Twilio's REST URLs. It imports only core; ivr, sms,
fax, speech and web import it."""
