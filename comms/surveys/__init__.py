"""The surveys engine: questionnaires, invitations by a signed SMS link, responses from the
public page, a call or the web, and their results (NPS with its confidence interval, TV
channel ratings)."""
