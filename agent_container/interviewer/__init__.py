"""The AI interviewer agent: a conductor that runs the interview through three ports."""
