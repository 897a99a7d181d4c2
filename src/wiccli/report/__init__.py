"""Charts of the invitation funnel (``wic invites report -o``), drawn with matplotlib."""
