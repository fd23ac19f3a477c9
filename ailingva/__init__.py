"""AIlingva: a voice-first English tutor for Russian-speaking students."""
