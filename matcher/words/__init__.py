"""Every word a person reads, in Danish and English.

``app`` holds the staff's words for the app; ``patient`` the plain words of
the patient's handout and reasons. Vulnerability flags are never worded for
the patient.
"""
