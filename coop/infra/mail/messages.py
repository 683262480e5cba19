"""What our e-mails say: plain text, plain English, the link on a line of its own."""

from __future__ import annotations


def invitation(coop_name: str, name: str, link: str) -> tuple[str, str]:
    """The subject and body of an invitation to set up an account."""
    return (
        f"Set up your {coop_name} account",
        f"Dear {name},\n\n"
        f"You are a member of {coop_name}. You can now sign in to coop, the co-op's website,"
        " to see your membership and take part in decisions.\n\n"
        "To set your password, open this link:\n\n"
        f"{link}\n\n"
        "The link works once, for 14 days. If it has stopped working, ask the co-op office"
        " for a new invitation.\n\n"
        "If you were not expecting this email, you can ignore it.\n\n"
        f"{coop_name}\n",
    )


def password_reset(coop_name: str, name: str, link: str) -> tuple[str, str]:
    """The subject and body of a password-reset link."""
    return (
        f"Reset your {coop_name} password",
        f"Dear {name},\n\n"
        "Someone asked to reset the password for your coop account. If it was you,"
        " open this link to choose a new password:\n\n"
        f"{link}\n\n"
        "The link works once, for 1 hour. After that, ask for a new one on the sign-in page.\n\n"
        "If you did not ask, you can ignore this email: your password has not changed.\n\n"
        f"{coop_name}\n",
    )


def ballot_reminder(
    coop_name: str, name: str, title: str, closes: str, link: str
) -> tuple[str, str]:
    """The subject and body of a reminder to an elector who has not voted yet."""
    return (
        f"Please vote: {title}",
        f"Dear {name},\n\n"
        f"{coop_name} is holding a ballot: {title}.\n\n"
        f"You have not voted yet. Voting closes at {closes}.\n\n"
        "To read about the ballot and vote, open this link:\n\n"
        f"{link}\n\n"
        "There is an Easy Read version on the same page. If you would like help to vote,"
        " contact the co-op office.\n\n"
        "If you have voted since this email was sent, you do not need to do anything.\n\n"
        f"{coop_name}\n",
    )
