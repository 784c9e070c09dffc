"""The Protection Order Registry core: the domain, and the one write path for activities.

Nothing here imports Flask, Twilio, RQ, Redis or Vosk: channels translate, the core decides.
"""
