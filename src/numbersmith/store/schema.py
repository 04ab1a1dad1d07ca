"""Table definitions: the single description of the schema, used by queries and migrations.

Timestamps are integer microseconds since the epoch (UTC) and booleans are plain columns, so rows
come back from the DBAPI driver ready to use on both SQLite and PostgreSQL.
"""

import sqlalchemy as sa

metadata = sa.MetaData()

ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

projects = sa.Table(
    "projects",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("signing_key", sa.String(64), nullable=False),
    sa.Column("date_created", sa.BigInteger, nullable=False),
)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    # SHA-256 of the token: tokens are 256-bit random secrets, so a fast hash is enough and a
    # stolen table reveals no usable credential.
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("project_id", sa.String(36), sa.ForeignKey("projects.id"), nullable=False),
    sa.Column("scopes", sa.String(255), nullable=False),
    sa.Column("date_created", sa.BigInteger, nullable=False),
)

applications = sa.Table(
    "applications",
    metadata,
    # Creation order, as for numbers: lists page newest-first on it with a keyset cursor.
    sa.Column("id", ROW_ID, primary_key=True, autoincrement=True),
    sa.Column("sid", sa.String(36), nullable=False, unique=True),
    sa.Column("project_id", sa.String(36), sa.ForeignKey("projects.id"), nullable=False),
    sa.Column("friendly_name", sa.String(64), nullable=False),
    sa.Column("voice_url", sa.Text),
    sa.Column("voice_method", sa.String(4), nullable=False),
    sa.Column("voice_fallback_url", sa.Text),
    sa.Column("voice_fallback_method", sa.String(4), nullable=False),
    sa.Column("voice_caller_id_lookup", sa.Boolean, nullable=False),
    sa.Column("status_callback", sa.Text),
    sa.Column("status_callback_method", sa.String(4), nullable=False),
    sa.Column("sms_url", sa.Text),
    sa.Column("sms_method", sa.String(4), nullable=False),
    sa.Column("sms_fallback_url", sa.Text),
    sa.Column("sms_fallback_method", sa.String(4), nullable=False),
    sa.Column("sms_status_callback", sa.Text),
    sa.Column("sms_status_callback_method", sa.String(4), nullable=False),
    sa.Column("date_created", sa.BigInteger, nullable=False),
    sa.Column("date_updated", sa.BigInteger, nullable=False),
    sa.Index("ix_applications_page", "project_id", "id"),
)

incoming_phone_numbers = sa.Table(
    "incoming_phone_numbers",
    metadata,
    # Insertion order: lists page newest-first on it with a keyset cursor.
    # 64-bit on PostgreSQL; on SQLite it must be spelled INTEGER to be the rowid.
    sa.Column("id", ROW_ID, primary_key=True, autoincrement=True),
    sa.Column("sid", sa.String(36), nullable=False, unique=True),
    sa.Column("project_id", sa.String(36), sa.ForeignKey("projects.id"), nullable=False),
    # Unique across all projects: this constraint is what makes a double sale impossible.
    sa.Column("phone_number", sa.String(16), nullable=False, unique=True),
    sa.Column("country_code", sa.String(2), nullable=False),
    sa.Column("friendly_name", sa.String(64), nullable=False),
    sa.Column("origin", sa.String(16), nullable=False),
    sa.Column("beta", sa.Boolean, nullable=False),
    sa.Column("capability_voice", sa.Boolean, nullable=False),
    sa.Column("capability_sms", sa.Boolean, nullable=False),
    sa.Column("capability_mms", sa.Boolean, nullable=False),
    sa.Column("capability_fax", sa.Boolean, nullable=False),
    sa.Column("address_sid", sa.String(64)),
    sa.Column("identity_sid", sa.String(64)),
    sa.Column("trunk_sid", sa.String(64)),
    sa.Column("voice_url", sa.Text),
    sa.Column("voice_method", sa.String(4), nullable=False),
    sa.Column("voice_fallback_url", sa.Text),
    sa.Column("voice_fallback_method", sa.String(4), nullable=False),
    sa.Column("voice_caller_id_lookup", sa.Boolean, nullable=False),
    sa.Column("voice_receive_mode", sa.String(8), nullable=False),
    sa.Column("voice_application_sid", sa.String(36)),
    sa.Column("sms_url", sa.Text),
    sa.Column("sms_method", sa.String(4), nullable=False),
    sa.Column("sms_fallback_url", sa.Text),
    sa.Column("sms_fallback_method", sa.String(4), nullable=False),
    sa.Column("sms_application_sid", sa.String(36)),
    sa.Column("status_callback", sa.Text),
    sa.Column("status_callback_method", sa.String(4), nullable=False),
    sa.Column("date_created", sa.BigInteger, nullable=False),
    sa.Column("date_updated", sa.BigInteger, nullable=False),
    # Pages are read in id order, keys only (see numbers.page_keys): the index holds them all.
    sa.Index("ix_incoming_phone_numbers_page", "project_id", "id", "sid", "date_updated"),
)

inventory_profiles = sa.Table(
    "inventory_profiles",
    metadata,
    # What the operator told us about numbers, shared by all the numbers it was told of (a
    # carrier's block shares its rate center, LATA and capabilities): a number carries only
    # the profile's id. Profiles are written once and never changed or deleted, so readers
    # may remember them.
    sa.Column("id", ROW_ID, primary_key=True, autoincrement=True),
    sa.Column("origin", sa.String(16), nullable=False),
    sa.Column("region", sa.String(8)),
    sa.Column("locality", sa.String(64)),
    sa.Column("rate_center", sa.String(64)),
    sa.Column("lata", sa.String(8)),
    sa.Column("capability_voice", sa.Boolean, nullable=False),
    sa.Column("capability_sms", sa.Boolean, nullable=False),
    sa.Column("capability_mms", sa.Boolean, nullable=False),
    sa.Column("capability_fax", sa.Boolean, nullable=False),
)

inventory_numbers = sa.Table(
    "inventory_numbers",
    metadata,
    # An operator's own numbers: in inventory supply, only these can be searched or bought.
    sa.Column("phone_number", sa.String(16), primary_key=True),
    sa.Column("area_code", sa.String(3), nullable=False),
    # What the area code says: the country, and whether the number is toll-free.
    sa.Column("iso_country", sa.String(2), nullable=False),
    sa.Column("toll_free", sa.Boolean, nullable=False),
    # A scattering key (see provisioning.inventory.pick_base): free numbers are handed out in
    # its order from a random start, so buyers spread over the inventory and a pick is one
    # index probe however full the inventory is.
    sa.Column("pick", sa.Integer, nullable=False),
    sa.Column("owned", sa.Boolean, nullable=False),
    # No foreign key: profiles are never deleted, and checking one per number would cost
    # PostgreSQL a trigger call for each of the million numbers of an import.
    sa.Column("profile_id", sa.Integer, nullable=False),
    # On SQLite the rows live in the number's own b-tree: finding a number is one descent
    # instead of two (its key, then its row), which halves what a pattern search's lookups and
    # a purchase by number cost.
    sqlite_with_rowid=False,
)

#: The condition of every index and query on free inventory: partial indexes hold only free
#: numbers, so they shrink as numbers are sold and a pick never wades through owned ones.
INVENTORY_FREE = inventory_numbers.c.owned == sa.false()

# phone_number and profile_id ride along so that a search is answered from the index alone:
# reading each result's row as well cost three quarters of a search on SQLite. So does owned,
# though every entry's is false: SQLite (3.40) reads the row to test a query's "owned = false"
# unless the index holds the column. A search without an area code is of one kind (local or
# toll-free) in one country, which lead its index.
sa.Index(
    "ix_inventory_free_by_area_code",
    inventory_numbers.c.area_code,
    inventory_numbers.c.pick,
    inventory_numbers.c.phone_number,
    inventory_numbers.c.profile_id,
    inventory_numbers.c.owned,
    sqlite_where=INVENTORY_FREE,
    postgresql_where=INVENTORY_FREE,
)
sa.Index(
    "ix_inventory_free",
    inventory_numbers.c.iso_country,
    inventory_numbers.c.toll_free,
    inventory_numbers.c.pick,
    inventory_numbers.c.phone_number,
    inventory_numbers.c.profile_id,
    inventory_numbers.c.owned,
    sqlite_where=INVENTORY_FREE,
    postgresql_where=INVENTORY_FREE,
)

inventory_blocks = sa.Table(
    "inventory_blocks",
    metadata,
    # Which numbers of each thousand-block the inventory holds (sold or not): a search for a
    # pattern works out which of a block's lines can match and asks only for those, instead of
    # reading every free number of an area code to test it (see store.blocks).
    sa.Column("block", sa.String(9), primary_key=True),  # "+1" and seven digits
    sa.Column("area_code", sa.String(3), nullable=False),
    sa.Column("iso_country", sa.String(2), nullable=False),
    sa.Column("toll_free", sa.Boolean, nullable=False),
    # A scattering key, so that searches start at a random block.
    sa.Column("pick", sa.Integer, nullable=False),
    # A bit per line, 000 to 999: 125 bytes, bit n of the little-endian integer for line n.
    sa.Column("lines", sa.LargeBinary, nullable=False),
    sa.Index("ix_inventory_blocks_by_area_code", "area_code", "pick", "block"),
    sa.Index("ix_inventory_blocks", "iso_country", "toll_free", "pick", "block"),
)

exchanges = sa.Table(
    "exchanges",
    metadata,
    # The journal of simulated traffic: one row per inbound message or call, with everything it
    # came to (replies, the LaML steps run) as one JSON document, written once and never changed.
    sa.Column("id", ROW_ID, primary_key=True, autoincrement=True),
    sa.Column("sid", sa.String(36), nullable=False, unique=True),
    sa.Column("project_id", sa.String(36), sa.ForeignKey("projects.id"), nullable=False),
    sa.Column("kind", sa.String(8), nullable=False),  # "message" or "call"
    sa.Column("phone_number", sa.String(16), nullable=False),
    sa.Column("record", sa.Text, nullable=False),
    sa.Column("date_created", sa.BigInteger, nullable=False),
    # Pruning by age reads the oldest rows first.
    sa.Index("ix_exchanges_date_created", "date_created"),
)

deliveries = sa.Table(
    "deliveries",
    metadata,
    # Every webhook request made for a project, in the order made: lists page newest first on
    # the id with a keyset cursor, as the numbers do. The attempt itself is a JSON document.
    sa.Column("id", ROW_ID, primary_key=True, autoincrement=True),
    sa.Column("project_id", sa.String(36), sa.ForeignKey("projects.id"), nullable=False),
    sa.Column("exchange_sid", sa.String(36), nullable=False),
    sa.Column("phone_number", sa.String(16), nullable=False),
    sa.Column("record", sa.Text, nullable=False),
    sa.Column("date_created", sa.BigInteger, nullable=False),
    sa.Index("ix_deliveries_page", "project_id", "id"),
    sa.Index("ix_deliveries_by_number", "project_id", "phone_number", "id"),
    sa.Index("ix_deliveries_by_exchange", "exchange_sid", "id"),
    sa.Index("ix_deliveries_date_created", "date_created"),
)

server_settings = sa.Table(
    "server_settings",
    metadata,
    # What holds for all of a database's data: its flavour ("signalwire" or "twilio"), written
    # when the database gets its first project (see provisioning.flavor).
    sa.Column("name", sa.String(32), primary_key=True),
    sa.Column("value", sa.String(255), nullable=False),
)

test_credentials = sa.Table(
    "test_credentials",
    metadata,
    # Twilio's test credentials of a project: a second account sid and auth token, which may
    # only pretend to buy numbers. The token is kept as a hash, as API tokens are.
    sa.Column("account_sid", sa.String(36), primary_key=True),
    sa.Column(
        "project_id", sa.String(36), sa.ForeignKey("projects.id"), nullable=False, unique=True
    ),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("date_created", sa.BigInteger, nullable=False),
)
