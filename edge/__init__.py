"""The HTTP edge every channel shares: Twilio's (and the fax provider's) signatures, the replay
store, and rate limits. It imports only core; ivr, sms, fax, speech and web import it."""
