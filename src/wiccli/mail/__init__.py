"""Invitations that go out: templates, calendar requests (iMIP), e-mail messages, SMTP, letters."""
