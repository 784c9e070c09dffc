"""Speech: spoken dockets and answers (Twilio speech text or local Vosk), and transcripts."""
