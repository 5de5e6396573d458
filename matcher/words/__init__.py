"""Every word a person reads, in Danish and English.

The words live in gettext catalogues, one ``.po`` file per language under
``locale/`` (read by ``catalog`` with Babel), with a context per register:
``patient``, ``staff`` and ``municipality``. ``app`` looks up the staff's
words for the app; ``patient`` the plain words of the patient's handout and
reasons; ``formats`` writes dates, times, money and shares with Babel in the
reader's locale. Vulnerability flags are never worded for the patient.
"""
