from datetime import datetime

from ninja import Schema
from pydantic import Field


class ClientKeyIn(Schema):
    name: str = Field(min_length=1, max_length=100, description="The client application, e.g. 奉节FixMyStreet.")
    jurisdiction: str = Field(max_length=32, description="Code of the unit whose requests the key files.")
    intake_unit: str = Field(max_length=32, description="Code of the unit that takes requests of no known village.")
    per_hour: int = Field(600, ge=1, le=100_000, description="Requests the key may file per hour.")


class ClientKeyOut(Schema):
    id: int
    name: str
    prefix: str
    jurisdiction: str
    intake_unit: str
    per_hour: int
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ClientKeyIssued(ClientKeyOut):
    key: str = Field(description="The key itself: shown this once, stored only as a digest.")
