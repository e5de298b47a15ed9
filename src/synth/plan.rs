//! The plan of a project, drawn before any file is rendered: its contexts, schemas, workers,
//! plugs and migrations, their names (from the word lists) and how they relate.

use std::collections::BTreeSet;
use std::ops::Range;

use super::{FIXED_ELIXIR, MIN_FILES, Rng, Spec};

/// Context domains and the schemas each can hold. Every word is unique across the table (the
/// unqualified contexts' controllers share the `ShopWeb` namespace) and none is a qualifier,
/// so a qualifier chain plus a word never spells the same name twice.
#[rustfmt::skip]
const DOMAINS: &[(&str, &[&str])] = &[
    ("Accounts", &["User", "Profile", "Membership", "Role", "Invitation"]),
    ("Catalog", &["Product", "Category", "Variant", "Collection", "Brand"]),
    ("Orders", &["Order", "LineItem", "Cart", "Refund", "Coupon"]),
    ("Billing", &["Invoice", "Payment", "Subscription", "Plan", "TaxRate"]),
    ("Inventory", &["Warehouse", "StockLevel", "Shipment", "Supplier", "Transfer"]),
    ("Shipping", &["Carrier", "Parcel", "Zone", "Rate", "Label"]),
    ("Reviews", &["Review", "Rating", "Reply", "Flag", "Vote"]),
    ("Support", &["Ticket", "Message", "Assignee", "CannedReply", "Escalation"]),
    ("Marketing", &["Campaign", "Segment", "Newsletter", "Banner", "Referral"]),
    ("Loyalty", &["Reward", "PointEntry", "Tier", "Badge", "Redemption"]),
    ("Content", &["Page", "Post", "Author", "Tag", "Asset"]),
    ("Scheduling", &["Slot", "Booking", "Schedule", "Reminder", "Holiday"]),
    ("Reporting", &["Report", "Metric", "Dashboard", "Export", "Snapshot"]),
    ("Messaging", &["Thread", "Notification", "Template", "Inbox", "Attachment"]),
    ("Compliance", &["Audit", "Consent", "Policy", "Retention", "Incident"]),
    ("Partners", &["Partner", "Contract", "Commission", "Payout", "Territory"]),
];
#[rustfmt::skip]
const QUALIFIERS: &[&str] = &[
    "Wholesale", "Retail", "Regional", "Vendor", "Internal", "Mobile", "Legacy", "Enterprise",
    "Marketplace", "Store", "Seasonal", "Global", "Local", "Premium", "Express", "Digital",
    "Corporate", "Guest", "Affiliate", "Franchise", "Studio", "Kiosk", "Outlet", "Pilot",
];
#[rustfmt::skip]
const WORKER_NOUNS: &[&str] = &[
    "Price", "Stock", "Checkout", "Receipt", "Email", "Search", "Session", "Feed", "Webhook",
    "Ledger", "Currency", "Image", "Sitemap", "Fraud", "Quota", "Payout",
];
/// GenServer roles, then Oban roles (`OBAN_FROM` on).
#[rustfmt::skip]
pub(super) const WORKER_ROLES: &[&str] = &[
    "Cache", "Poller", "Monitor", "Limiter", "Aggregator", "Buffer", "Tracker", "Batcher",
    "SyncWorker", "CleanupWorker", "ExportWorker", "ImportWorker", "ReminderWorker",
    "DigestWorker", "ReconcileWorker", "NotifyWorker",
];
pub(super) const OBAN_FROM: usize = 8;
#[rustfmt::skip]
const PLUG_NOUNS: &[&str] = &[
    "TenantLoader", "ScopeCheck", "LocaleSetter", "ApiVersion", "CacheHeaders", "RequestTimer",
    "IdempotencyGuard", "ClientCheck", "FeatureGate", "AuditTrail",
];
/// name, Ecto type, column type, a valid value, an updated value. The first three are the
/// display fields a schema starts with.
#[rustfmt::skip]
pub(super) const FIELDS: &[(&str, &str, &str, &str, &str)] = &[
    ("name", ":string", ":string", "\"some name\"", "\"updated name\""),
    ("title", ":string", ":string", "\"some title\"", "\"updated title\""),
    ("code", ":string", ":string", "\"CODE-1\"", "\"CODE-2\""),
    ("description", ":string", ":text", "\"some description\"", "\"updated description\""),
    ("email", ":string", ":string", "\"someone@example.com\"", "\"updated@example.com\""),
    ("slug", ":string", ":string", "\"some-slug\"", "\"updated-slug\""),
    ("sku", ":string", ":string", "\"SKU-0001\"", "\"SKU-0002\""),
    ("quantity", ":integer", ":integer", "3", "7"),
    ("price_cents", ":integer", ":integer", "1999", "2499"),
    ("position", ":integer", ":integer", "1", "2"),
    ("weight_grams", ":integer", ":integer", "250", "300"),
    ("active", ":boolean", ":boolean", "true", "false"),
    ("score", ":float", ":float", "4.5", "3.5"),
    ("currency", ":string", ":string", "\"EUR\"", "\"USD\""),
    ("notes", ":string", ":text", "\"some notes\"", "\"updated notes\""),
    ("starts_on", ":date", ":date", "~D[2024-05-01]", "~D[2024-06-01]"),
    ("published_at", ":utc_datetime", ":utc_datetime", "~U[2024-05-01 10:00:00Z]", "~U[2024-06-01 10:00:00Z]"),
    ("expires_at", ":utc_datetime", ":utc_datetime", "~U[2025-01-01 00:00:00Z]", "~U[2025-02-01 00:00:00Z]"),
    ("external_id", ":string", ":string", "\"ext-100\"", "\"ext-200\""),
    ("locale", ":string", ":string", "\"en\"", "\"de\""),
];
pub(super) const UNIQUE_FIELDS: &[&str] = &["code", "email", "slug", "sku", "external_id"];
/// Columns later migrations add: name, column type, and the default that lets them be
/// `null: false`, if one fits.
#[rustfmt::skip]
pub(super) const ALTER_COLUMNS: &[(&str, &str, Option<&str>)] = &[
    ("archived_at", ":utc_datetime", None), ("priority", ":integer", Some("0")),
    ("metadata", ":map", Some("%{}")), ("source", ":string", None),
    ("featured", ":boolean", Some("false")), ("external_ref", ":string", None),
    ("lock_version", ":integer", Some("1")), ("checksum", ":string", None),
    ("deleted_at", ":utc_datetime", None), ("tags", "{:array, :string}", Some("[]")),
];

pub(super) struct Context {
    pub(super) name: String,
    pub(super) snake: String,
    pub(super) schemas: Range<usize>,
}

/// A schema's module is `Shop.<Context>.<name>`; the context's qualifiers (`Wholesale…`)
/// prefix its table, and the web modules of a qualified context live under
/// `ShopWeb.<Context>`, as large apps namespace theirs.
pub(super) struct Schema {
    pub(super) ctx: usize,
    pub(super) name: String,
    pub(super) var: String,
    pub(super) plural: String,
    pub(super) table: String,
    /// `ShopWeb` or `ShopWeb.<Context>`, and the matching directory (`""` or `<context>/`).
    pub(super) web: String,
    pub(super) web_dir: String,
    /// Indices into FIELDS; `fields[0]` is the display field, the first `required` are required.
    pub(super) fields: Vec<usize>,
    pub(super) required: usize,
    pub(super) status: bool,
    pub(super) parent: Option<usize>,
    pub(super) children: Vec<usize>,
    /// The controller's ordinal among controllers, if the schema has one.
    pub(super) controller: Option<usize>,
    pub(super) json_view: bool,
    pub(super) plug: Option<usize>,
    pub(super) tested: bool,
}

pub(super) struct Worker {
    pub(super) name: String,
    pub(super) snake: String,
    pub(super) oban: bool,
    /// The schema an Oban worker refreshes.
    pub(super) schema: usize,
    pub(super) tested: bool,
}

pub(super) enum Change {
    Create(Range<usize>),
    /// Variants 0–3 are deploy-safe, 4–7 are what the MIGR rules catch.
    Alter {
        schema: usize,
        column: usize,
        variant: u8,
    },
}

pub(super) struct Migration {
    pub(super) module: String,
    pub(super) file: String,
    pub(super) change: Change,
}

pub(super) struct Plan {
    pub(super) seed: u64,
    pub(super) contexts: Vec<Context>,
    pub(super) schemas: Vec<Schema>,
    pub(super) workers: Vec<Worker>,
    pub(super) plugs: Vec<String>,
    pub(super) migrations: Vec<Migration>,
}

/// The first `n` qualifier chains: `""`, `"Wholesale"`, …, `"WholesaleRetail"`, … in
/// bijective base-`QUALIFIERS` order, every chain distinct, none repeating a word (no
/// `MarketplaceMarketplaceBilling`). Prefixed to a noun, chain k names the k-th module of
/// that noun.
fn chains(n: usize) -> Vec<String> {
    let mut out = Vec::with_capacity(n);
    for mut q in 0.. {
        if out.len() == n {
            break;
        }
        let mut parts = Vec::new();
        while q > 0 {
            q -= 1;
            parts.push(QUALIFIERS[q % QUALIFIERS.len()]);
            q /= QUALIFIERS.len();
        }
        if parts
            .iter()
            .all(|p| parts.iter().filter(|o| *o == p).count() == 1)
        {
            parts.reverse();
            out.push(parts.concat());
        }
    }
    out
}

pub(super) fn snake(camel: &str) -> String {
    let mut out = String::with_capacity(camel.len() + 4);
    for (i, c) in camel.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

fn plural(word: &str) -> String {
    let b = word.as_bytes();
    if word.ends_with('y') && b.len() > 1 && !b"aeiou".contains(&b[b.len() - 2]) {
        format!("{}ies", &word[..word.len() - 1])
    } else if ["s", "x", "ch", "sh"].iter().any(|e| word.ends_with(e)) {
        format!("{word}es")
    } else {
        format!("{word}s")
    }
}

fn camel(snake: &str) -> String {
    snake.split('_').map(capitalize).collect()
}

fn capitalize(word: &str) -> String {
    let mut c = word.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

/// How many files of each kind a project of `files` Elixir files gets.
#[derive(Debug)]
struct Counts {
    contexts: usize,
    schemas: usize,
    workers: usize,
    controllers: usize,
    json_views: usize,
    plugs: usize,
    migrations: usize,
    /// Tests beyond one per context and one per controller.
    extra_tests: usize,
}

/// Of what is not fixed: about 9 % contexts and 26 % schemas, 10 % workers, 20 % web
/// (controllers, JSON views, plugs), 10 % migrations, 25 % tests. Schemas take up the
/// rounding, and each context holds at most five of them.
fn counts(files: usize) -> Counts {
    let r = files.max(MIN_FILES) - FIXED_ELIXIR;
    let pct = |p: usize| r * p / 100;
    let mut c = Counts {
        contexts: pct(9).max(1),
        schemas: 0,
        workers: pct(10),
        controllers: pct(10),
        json_views: pct(8),
        plugs: pct(2),
        migrations: pct(10).max(1),
        extra_tests: pct(25).saturating_sub(pct(9).max(1) + pct(10)),
    };
    let per_context = DOMAINS[0].1.len();
    loop {
        let others = 2 * c.contexts
            + 2 * c.controllers
            + c.json_views
            + c.plugs
            + c.workers
            + c.migrations
            + c.extra_tests;
        c.schemas = r - others;
        if c.schemas <= per_context * c.contexts {
            break;
        }
        c.contexts += 1;
    }
    debug_assert!(
        c.schemas >= c.contexts && c.controllers <= c.schemas,
        "{c:?}"
    );
    c
}

pub(super) fn plan(spec: Spec) -> Plan {
    let (c, seed) = (counts(spec.files), spec.seed);
    let per_context = DOMAINS[0].1.len();
    let most = [c.contexts / DOMAINS.len(), c.plugs / PLUG_NOUNS.len()]
        .into_iter()
        .chain([c.workers / WORKER_ROLES.len() / WORKER_NOUNS.len()]);
    let chains = chains(most.max().unwrap_or(0) + 1);
    let qualified = |q: usize, word: &str| chains[q].clone() + word;
    // Uneven context sizes, as in a code base that grew.
    let mut sizes = vec![1usize; c.contexts];
    let mut rng = Rng::new(seed, "sizes", 0);
    for _ in c.contexts..c.schemas {
        loop {
            let i = rng.below(c.contexts);
            if sizes[i] < per_context {
                sizes[i] += 1;
                break;
            }
        }
    }
    let mut contexts = Vec::with_capacity(c.contexts);
    let mut schemas: Vec<Schema> = Vec::with_capacity(c.schemas);
    for (i, &size) in sizes.iter().enumerate() {
        let (domain, nouns) = DOMAINS[i % DOMAINS.len()];
        let q = i / DOMAINS.len();
        let start = schemas.len();
        let ctx_name = qualified(q, domain);
        let prefix = snake(&chains[q]);
        let (web, web_dir) = match q {
            0 => ("ShopWeb".to_string(), String::new()),
            _ => (
                format!("ShopWeb.{ctx_name}"),
                format!("{}/", snake(&ctx_name)),
            ),
        };
        for (k, noun) in nouns.iter().take(size).enumerate() {
            let mut rng = Rng::new(seed, "schema", schemas.len());
            let (name, var) = (noun.to_string(), snake(noun));
            let mut fields = vec![rng.below(3)];
            let mut pool: Vec<usize> = (3..FIELDS.len()).collect();
            for _ in 0..2 + rng.below(6) {
                fields.push(pool.remove(rng.below(pool.len())));
            }
            let required = 1 + rng.below(3).min(fields.len() - 1);
            let (plural, status) = (plural(&var), rng.chance(500));
            let table = if q == 0 {
                plural.clone()
            } else {
                format!("{prefix}_{plural}")
            };
            let parent = (k > 0).then_some(start);
            schemas.push(Schema {
                ctx: i,
                name,
                var,
                plural,
                table,
                web: web.clone(),
                web_dir: web_dir.clone(),
                fields,
                required,
                status,
                parent,
                children: Vec::new(),
                controller: None,
                json_view: false,
                plug: None,
                tested: false,
            });
        }
        schemas[start].children = (start + 1..schemas.len()).collect();
        contexts.push(Context {
            snake: snake(&ctx_name),
            name: ctx_name,
            schemas: start..schemas.len(),
        });
    }
    // Controllers spread evenly over the schemas; the first ones render through JSON views.
    let n = schemas.len();
    let mut controllers = 0;
    for (j, s) in schemas.iter_mut().enumerate() {
        if (j + 1) * c.controllers / n > j * c.controllers / n {
            s.controller = Some(controllers);
            s.json_view = controllers < c.json_views;
            if c.plugs > 0 && controllers % 3 == 0 {
                s.plug = Some(controllers / 3 % c.plugs);
            }
            controllers += 1;
        }
    }
    let plugs = (0..c.plugs)
        .map(|i| qualified(i / PLUG_NOUNS.len(), PLUG_NOUNS[i % PLUG_NOUNS.len()]))
        .collect();
    let mut workers: Vec<Worker> = (0..c.workers)
        .map(|i| {
            let (role, rest) = (i % WORKER_ROLES.len(), i / WORKER_ROLES.len());
            let noun = WORKER_NOUNS[rest % WORKER_NOUNS.len()];
            let name = qualified(rest / WORKER_NOUNS.len(), noun) + WORKER_ROLES[role];
            let (snake, oban) = (snake(&name), role >= OBAN_FROM);
            Worker {
                name,
                snake,
                oban,
                schema: i * 7 % n,
                tested: false,
            }
        })
        .collect();
    // Tests go where TACH001 looks first: GenServers (public API), then schemas; Oban
    // workers define only callbacks, so the untested ones are theirs.
    let mut extra = c.extra_tests;
    let mut take = || extra.checked_sub(1).map(|left| extra = left).is_some();
    for w in workers.iter_mut().filter(|w| !w.oban) {
        w.tested = take();
    }
    for s in schemas.iter_mut() {
        s.tested = take();
    }
    for w in workers.iter_mut().filter(|w| w.oban) {
        w.tested = take();
    }
    let migrations = migrations(seed, c.migrations, &schemas);
    Plan {
        seed,
        contexts,
        schemas,
        workers,
        plugs,
        migrations,
    }
}

/// Migrations in deploy order: tables are created context by context, and a quarter of the
/// migrations alter tables that exist by then.
fn migrations(seed: u64, count: usize, schemas: &[Schema]) -> Vec<Migration> {
    let alters = if count >= 4 { count / 4 } else { 0 };
    let creates = count - alters;
    let mut rng = Rng::new(seed, "migrations", 0);
    let step = 2 * 3 * 365 * 86_400 / count as u64; // about three years of history
    let mut clock: u64 = 1_647_248_400; // 2022-03-14 09:00 UTC
    let mut used = BTreeSet::new();
    let mut out = Vec::with_capacity(count);
    let mut placed = 0;
    for g in 0..creates {
        let tables = g * schemas.len() / creates..(g + 1) * schemas.len() / creates;
        let mut batch = vec![Change::Create(tables.clone())];
        while placed < alters && (placed + 1) * creates <= (g + 1) * alters {
            let (mut schema, mut column) = (rng.below(tables.end), rng.below(ALTER_COLUMNS.len()));
            let variant = if planted(seed, "alter", placed, 150) {
                4 + rng.below(4)
            } else {
                rng.below(4)
            } as u8;
            // Two migrations must not share a module name.
            while !used.insert((variant == 4, schema, column)) {
                column += 1;
                if column == ALTER_COLUMNS.len() {
                    (schema, column) = ((schema + 1) % tables.end, 0);
                }
            }
            batch.push(Change::Alter {
                schema,
                column,
                variant,
            });
            placed += 1;
        }
        for change in batch {
            clock += 60 + rng.next() % step.max(1);
            let (module, file) = match &change {
                Change::Create(r) => {
                    let s = &schemas[r.start];
                    (
                        format!("Create{}", camel(&s.table)),
                        format!("create_{}", s.table),
                    )
                }
                Change::Alter {
                    schema,
                    column,
                    variant,
                } => {
                    let (s, col) = (&schemas[*schema], ALTER_COLUMNS[*column].0);
                    let (c, t, ts) = (camel(col), camel(&s.table), &s.table);
                    match variant {
                        4 => (
                            format!("Remove{c}From{t}"),
                            format!("remove_{col}_from_{ts}"),
                        ),
                        _ => (format!("Add{c}To{t}"), format!("add_{col}_to_{ts}")),
                    }
                }
            };
            let file = format!("{}_{file}", timestamp(clock));
            out.push(Migration {
                module,
                file,
                change,
            });
        }
    }
    out
}

/// `YYYYMMDDhhmmss` of a Unix time, as migration file names start.
pub(super) fn timestamp(secs: u64) -> String {
    let t = crate::history::CivilTime::of(secs);
    format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}",
        t.year, t.month, t.day, t.hour, t.minute, t.second
    )
}

/// Whether item `index` of a kind carries a planted problem. A Weyl sequence rather than a
/// coin: any run of n items holds n × per_mille / 1000 of them, give or take one, so every
/// project size gets its share of each kind and the counts do not jump between sizes.
pub(super) fn planted(seed: u64, kind: &str, index: usize, per_mille: u64) -> bool {
    let offset = Rng::new(seed, kind, 0).next();
    let x = offset.wrapping_add((index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    u128::from(x) * 1000 < u128::from(per_mille) << 64
}
