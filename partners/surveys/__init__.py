"""PSAT surveys: the tenant asks partner users a 0-10 question (and up to three short ones)
after the moments that shape their view of the program.

- `triggers`: the registry of what sends a survey. The app owning an event registers a
  `SurveyTrigger` from its `AppConfig.ready()` (deals: a decision; mdf: a claim paid; partners:
  onboarding completed; reporting: a QBR held), naming the event and who is asked; the
  quarterly relationship survey is sent by a beat task instead (`services.quarterly_ask`).
- `services`: asking (`survey_ask`: the fatigue rule, under the member's row lock, so two
  triggers at once ask once) and answering (`survey_answer`: a conditional update on the
  request, so two submissions record one answer).
- `tokens`: the emailed link, signed (request id and a random nonce kept on the request): it
  answers that one request without signing in, and only once.
- `selectors`: the results, which keep an anonymous survey's partners apart below
  `MIN_ANONYMOUS_ANSWERS` answers on every page and file.

Anonymity: an anonymous survey's answer row holds no user and no request, only the day it was
given (a random key, so not even its order gives it away); its request knows only that it was
answered, and on which day.
"""
