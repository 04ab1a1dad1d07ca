"""What can go wrong when provisioning numbers, in the problem's own terms.

The HTTP edge translates each of these into the vendor's error code (see ``api/errors.py``).
"""


class ProvisioningError(Exception):
    """Base of every refusal a client can cause."""


class SettingError(ProvisioningError):
    """A setting of the number has an unacceptable value; ``setting`` names it (snake_case)."""

    def __init__(self, setting: str) -> None:
        super().__init__(setting)
        self.setting = setting


class InvalidUrl(SettingError):
    """Not a fully-qualified http(s) URL."""


class InvalidMethod(SettingError):
    """Not GET or POST."""


class InvalidReceiveMode(SettingError):
    """Not ``voice`` or ``fax``."""


class InvalidFriendlyName(SettingError):
    """Empty, or longer than 64 characters."""


class FriendlyNameRequired(SettingError):
    """Not given where it must be: an application is created and updated with its name."""


class InvalidReference(SettingError):
    """A reference to another resource (address, identity, trunk) that cannot be an identifier."""


class ApplicationNotFound(SettingError):
    """The application that should handle calls or messages does not exist in this project."""


class MissingNumberOrAreaCode(ProvisioningError):
    """A purchase named neither a phone number nor an area code."""


class InvalidAreaCode(ProvisioningError):
    """Not an area code we supply numbers in."""


class AreaCodeExhausted(ProvisioningError):
    """Every number of the area code is owned."""


class InvalidPhoneNumber(ProvisioningError):
    """Not a valid phone number in E.164 form."""


class NumberUnavailable(ProvisioningError):
    """A valid number that cannot be bought: already owned, or outside our supply."""


class MagicInvalidNumber(ProvisioningError):
    """Twilio's magic number that test credentials may never buy, as if it were invalid (21421)."""


class NumberNotFound(ProvisioningError):
    """No number with that sid in this project."""


class NoSuchApplication(ProvisioningError):
    """No application with that sid in this project."""


class AreaCodeOfOtherKind(InvalidAreaCode):
    """A supplied area code, but a toll-free one in a search for local numbers or the reverse."""

    def __init__(self, area_code: str, *, toll_free_wanted: bool) -> None:
        super().__init__(area_code)
        self.toll_free_wanted = toll_free_wanted
