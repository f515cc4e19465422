"""IKM businesses and the clusters (klaster / sentra) they belong to."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BeforeValidator, ValidationInfo, field_validator, model_validator

from ikmtui.domain import reference
from ikmtui.domain.fields import (
    Count,
    Kbli,
    OptionalEmail,
    OptionalNib,
    OptionalNik,
    OptionalNpwp,
    OptionalPastDay,
    OptionalPhone,
    OptionalText,
    OptionalYear,
    PastDay,
    RequiredText,
    Rupiah,
    is_blank,
    optional,
    parse_choice,
    parse_list,
)
from ikmtui.domain.records import Record
from ikmtui.i18n import N_, _

SCALES = ("mikro", "kecil", "menengah")
SCALE_LABELS = {"mikro": N_("micro"), "kecil": N_("small"), "menengah": N_("medium")}
STATUSES = ("active", "inactive")
STATUS_LABELS = {"active": N_("active"), "inactive": N_("inactive")}
CERTIFICATIONS = ("Halal", "SNI", "P-IRT", "HKI", "BPOM", "ISO 9001")
SECTORS = ("batik", "furniture", "food processing", "handicraft", "fashion", "leather", "metal", "printing")
#: The fields an office cannot work without; every other field of an IKM may be left empty (unknown).
IKM_REQUIRED = ("name", "owner_name", "address", "kecamatan", "kelurahan", "kbli", "product")
#: The fields staff fill in for an IKM, in the order of the form and the profile.
IKM_FIELDS = (
    "name",
    "owner_name",
    "owner_nik",
    "nib",
    "npwp",
    "address",
    "kecamatan",
    "kelurahan",
    "phone",
    "email",
    "kbli",
    "product",
    "scale",
    "workers_male",
    "workers_female",
    "investment",
    "turnover",
    "year_founded",
    "cluster_ids",
    "certifications",
    "status",
)
CLUSTER_FIELDS = ("name", "sector", "kecamatan", "decree_number", "decree_date", "coordinator", "status")

_MILLION = 1_000_000
_BILLION = 1_000 * _MILLION

Kecamatan = Annotated[str, BeforeValidator(reference.clean_kecamatan)]
Scale = Annotated[str, BeforeValidator(parse_choice(SCALES))]
OptionalScale = Annotated[str | None, BeforeValidator(optional(parse_choice(SCALES)))]
Status = Annotated[Literal["active", "inactive"], BeforeValidator(parse_choice(STATUSES))]
Certifications = Annotated[
    list[str], BeforeValidator(lambda v: [parse_choice(CERTIFICATIONS)(x) for x in parse_list(v)])
]
IdList = Annotated[list[int], BeforeValidator(parse_list)]


def suggest_scale(investment: int, turnover: int) -> str:
    """Business scale under PP 7/2021: by capital (excluding land and buildings) or annual sales, whichever
    is larger."""

    def by(amount: int, limits: tuple[int, int]) -> int:
        return 0 if amount <= limits[0] else 1 if amount <= limits[1] else 2

    rank = max(by(investment, (1 * _BILLION, 5 * _BILLION)), by(turnover, (2 * _BILLION, 15 * _BILLION)))
    return SCALES[rank]


def scale_label(scale: str | None) -> str:
    return _(SCALE_LABELS[scale]) if scale in SCALE_LABELS else (scale or "")


def status_label(status: str | None) -> str:
    return _(STATUS_LABELS[status]) if status in STATUS_LABELS else (status or "")


def nib_taken_message(nib: str | None, code: str, name: str) -> str:
    """Why a second IKM may not have the same NIB: names the record that already has it."""
    return _("NIB {nib} is already registered to {code} {name}", nib=nib, code=code, name=name)


class Ikm(Record):
    table: ClassVar[str] = "ikm"
    code_prefix: ClassVar[str] = "IKM"

    name: RequiredText
    owner_name: RequiredText
    owner_nik: OptionalNik = None
    nib: OptionalNib = None
    npwp: OptionalNpwp = None
    address: RequiredText
    kecamatan: Kecamatan
    kelurahan: RequiredText
    phone: OptionalPhone = None
    email: OptionalEmail = None
    kbli: Kbli
    product: RequiredText
    scale: OptionalScale = None
    workers_male: Count = 0
    workers_female: Count = 0
    investment: Rupiah = 0
    turnover: Rupiah = 0
    year_founded: OptionalYear = None
    cluster_ids: IdList = []
    certifications: Certifications = []
    status: Status = "active"
    #: When the office registered the business, where that is earlier than the record (a legacy list's date).
    registered_on: OptionalPastDay = None

    @field_validator("kelurahan")
    @classmethod
    def _kelurahan_in_kecamatan(cls, value: str, info: ValidationInfo) -> str:
        return reference.clean_kelurahan(value, info.data.get("kecamatan"))

    @field_validator("kbli")
    @classmethod
    def _kbli_in_the_list(cls, value: str) -> str:
        """A code of the packaged list (every KBLI 2020 code of section C), not just any five digits."""
        if value not in reference.kbli_codes():
            raise ValueError(
                _(
                    "KBLI {value} is not a code of KBLI 2020 section C: find the code by words of the activity",
                    value=value,
                )
            )
        return value

    @model_validator(mode="after")
    def _scale_from_figures(self) -> Ikm:
        """A blank scale is suggested from investment and turnover (PP 7/2021) when either is known."""
        if is_blank(self.scale) and (self.investment or self.turnover):
            self.scale = suggest_scale(self.investment, self.turnover)
        return self

    @property
    def workers(self) -> int:
        return self.workers_male + self.workers_female


def registered_day(doc: Mapping[str, Any]) -> str:
    """The ISO day an IKM was registered with the office: ``registered_on`` where an import gave it (a legacy
    list), else the day its record was created."""
    return str(doc.get("registered_on") or "")[:10] or str(doc.get("created_at") or "")[:10]


class Cluster(Record):
    table: ClassVar[str] = "clusters"
    code_prefix: ClassVar[str] = "KLS"

    name: RequiredText
    sector: RequiredText
    kecamatan: Kecamatan
    decree_number: RequiredText
    decree_date: PastDay
    coordinator: OptionalText = ""
    status: Status = "active"
