"""The phone line: a Twilio Voice webhook application over the registry core."""
