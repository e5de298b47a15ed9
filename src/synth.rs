//! Synthetic Phoenix projects for benchmarks (`cargo bench`) and the cache tests: a
//! deterministic stand-in for a real application, so performance numbers can be reproduced
//! without fetching anyone's repository.
//!
//! `generate(dir, n)` writes an app called `shop` with exactly `n` `.ex`/`.exs` files (at
//! least [`MIN_FILES`]; `.formatter.exs` is one of them, and doctrine skips it as a hidden
//! file): contexts and schemas, GenServers and Oban workers, a JSON web layer, migrations and
//! tests, in roughly the proportions of a real Phoenix code base (see `counts`), plus
//! `mix.lock`, README, CHANGELOG and CI files. Files average about 3 KB, as in real apps.
//!
//! The same `Spec` gives the same bytes on every machine: every choice comes from a
//! splitmix64 stream seeded by the spec and the file's role, never from the clock, the OS or
//! hash-map order. The code is mostly clean, with a planted share (about 1–3 % of functions
//! and modules, spread evenly by `planted`) of what the rules look for, so a scan has
//! findings in most pillars but is dominated by the cost of clean code. Module names come
//! from word lists and qualifier chains (`Catalog`, then `WholesaleCatalog`, …), so any
//! size is possible without two modules, tables or paths sharing a name.

use std::collections::BTreeSet;
use std::io;
use std::ops::Range;
use std::path::Path;

/// The seed `generate` uses.
pub const DEFAULT_SEED: u64 = 0x5EED_5409;
/// Files every project has whatever its size: mix, config, application, repo, web
/// skeleton, test support.
const FIXED_ELIXIR: usize = 25;
/// The smallest project: the fixed files plus one context, its schemas and its tests.
pub const MIN_FILES: usize = FIXED_ELIXIR + 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    /// Elixir files to write; raised to `MIN_FILES` if smaller.
    pub files: usize,
    pub seed: u64,
}

impl Spec {
    /// `files` Elixir files with the default seed.
    pub fn new(files: usize) -> Spec {
        Spec {
            files,
            seed: DEFAULT_SEED,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub elixir_files: usize,
    pub other_files: usize,
    pub bytes: u64,
}

/// Writes a project of `files` Elixir files (at least `MIN_FILES`) under `dir`, which must
/// be empty or absent, with the default seed.
pub fn generate(dir: &Path, files: usize) -> io::Result<Summary> {
    generate_with(dir, Spec::new(files))
}

/// `generate` with a chosen seed: another project of the same shape and size.
pub fn generate_with(dir: &Path, spec: Spec) -> io::Result<Summary> {
    if dir.exists() && std::fs::read_dir(dir)?.next().is_some() {
        let msg = format!("{} is not empty", dir.display());
        return Err(io::Error::new(io::ErrorKind::AlreadyExists, msg));
    }
    let mut summary = Summary::default();
    let mut made = BTreeSet::new();
    render(spec, &mut |rel, text| {
        let path = dir.join(rel);
        if let Some(parent) = path.parent()
            && made.insert(parent.to_path_buf())
        {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, text)?;
        match is_elixir(rel) {
            true => summary.elixir_files += 1,
            false => summary.other_files += 1,
        }
        summary.bytes += text.len() as u64;
        Ok(())
    })?;
    Ok(summary)
}

fn is_elixir(path: &str) -> bool {
    path.ends_with(".ex") || path.ends_with(".exs")
}

/// splitmix64: tiny, fast, and the same everywhere.
struct Rng(u64);

impl Rng {
    /// A stream per file (or per plan step), so one file's choices never shift another's.
    fn new(seed: u64, stream: &str, index: usize) -> Rng {
        let mut h = 0xcbf2_9ce4_8422_2325u64 ^ seed;
        for b in stream.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
        Rng(h ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, per_mille: u64) -> bool {
        self.next() % 1000 < per_mille
    }
    fn hex(&mut self, digits: usize) -> String {
        (0..digits)
            .map(|_| char::from(b"0123456789abcdef"[self.below(16)]))
            .collect()
    }
}

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
const WORKER_ROLES: &[&str] = &[
    "Cache", "Poller", "Monitor", "Limiter", "Aggregator", "Buffer", "Tracker", "Batcher",
    "SyncWorker", "CleanupWorker", "ExportWorker", "ImportWorker", "ReminderWorker",
    "DigestWorker", "ReconcileWorker", "NotifyWorker",
];
const OBAN_FROM: usize = 8;
#[rustfmt::skip]
const PLUG_NOUNS: &[&str] = &[
    "TenantLoader", "ScopeCheck", "LocaleSetter", "ApiVersion", "CacheHeaders", "RequestTimer",
    "IdempotencyGuard", "ClientCheck", "FeatureGate", "AuditTrail",
];
/// name, Ecto type, column type, a valid value, an updated value. The first three are the
/// display fields a schema starts with.
#[rustfmt::skip]
const FIELDS: &[(&str, &str, &str, &str, &str)] = &[
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
const UNIQUE_FIELDS: &[&str] = &["code", "email", "slug", "sku", "external_id"];
/// Columns later migrations add: name, column type, and the default that lets them be
/// `null: false`, if one fits.
#[rustfmt::skip]
const ALTER_COLUMNS: &[(&str, &str, Option<&str>)] = &[
    ("archived_at", ":utc_datetime", None), ("priority", ":integer", Some("0")),
    ("metadata", ":map", Some("%{}")), ("source", ":string", None),
    ("featured", ":boolean", Some("false")), ("external_ref", ":string", None),
    ("lock_version", ":integer", Some("1")), ("checksum", ":string", None),
    ("deleted_at", ":utc_datetime", None), ("tags", "{:array, :string}", Some("[]")),
];

struct Context {
    name: String,
    snake: String,
    schemas: Range<usize>,
}

/// A schema's module is `Shop.<Context>.<name>`; the context's qualifiers (`Wholesale…`)
/// prefix its table, and the web modules of a qualified context live under
/// `ShopWeb.<Context>`, as large apps namespace theirs.
struct Schema {
    ctx: usize,
    name: String,
    var: String,
    plural: String,
    table: String,
    /// `ShopWeb` or `ShopWeb.<Context>`, and the matching directory (`""` or `<context>/`).
    web: String,
    web_dir: String,
    /// Indices into FIELDS; `fields[0]` is the display field, the first `required` are required.
    fields: Vec<usize>,
    required: usize,
    status: bool,
    parent: Option<usize>,
    children: Vec<usize>,
    /// The controller's ordinal among controllers, if the schema has one.
    controller: Option<usize>,
    json_view: bool,
    plug: Option<usize>,
    tested: bool,
}

struct Worker {
    name: String,
    snake: String,
    oban: bool,
    /// The schema an Oban worker refreshes.
    schema: usize,
    tested: bool,
}

enum Change {
    Create(Range<usize>),
    /// Variants 0–3 are deploy-safe, 4–7 are what the MIGR rules catch.
    Alter {
        schema: usize,
        column: usize,
        variant: u8,
    },
}

struct Migration {
    module: String,
    file: String,
    change: Change,
}

struct Plan {
    seed: u64,
    contexts: Vec<Context>,
    schemas: Vec<Schema>,
    workers: Vec<Worker>,
    plugs: Vec<String>,
    migrations: Vec<Migration>,
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

fn snake(camel: &str) -> String {
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

fn plan(spec: Spec) -> Plan {
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

/// `YYYYMMDDhhmmss` of a Unix time (H. Hinnant's days-to-civil).
fn timestamp(secs: u64) -> String {
    let (days, rem) = ((secs / 86_400) as i64, secs % 86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let (h, min, s) = (rem / 3600, rem / 60 % 60, rem % 60);
    format!("{y:04}{m:02}{d:02}{h:02}{min:02}{s:02}")
}

/// Whether item `index` of a kind carries a planted problem. A Weyl sequence rather than a
/// coin: any run of n items holds n × per_mille / 1000 of them, give or take one, so every
/// project size gets its share of each kind and the counts do not jump between sizes.
fn planted(seed: u64, kind: &str, index: usize, per_mille: u64) -> bool {
    let offset = Rng::new(seed, kind, 0).next();
    let x = offset.wrapping_add((index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    u128::from(x) * 1000 < u128::from(per_mille) << 64
}

/// Values for the `«key»` placeholders of a template (Elixir is full of braces, so
/// `format!` templates would be mostly escapes).
#[derive(Clone)]
struct Vars(Vec<(&'static str, String)>);

impl Vars {
    fn new() -> Vars {
        Vars(Vec::new())
    }
    fn set(mut self, key: &'static str, value: impl Into<String>) -> Vars {
        self.0.push((key, value.into()));
        self
    }
    fn get(&self, key: &str) -> &str {
        let found = self.0.iter().rev().find(|(k, _)| *k == key);
        found
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("no value for «{key}»"))
    }
}

/// Appends `tpl` with each `«key»` replaced by its value.
fn fill(out: &mut String, tpl: &str, vars: &Vars) {
    let mut parts = tpl.split('«');
    out.push_str(parts.next().unwrap_or(""));
    for part in parts {
        let (key, rest) = part.split_once('»').expect("closed placeholder");
        out.push_str(vars.get(key));
        out.push_str(rest);
    }
}

fn filled(tpl: &str, vars: &Vars) -> String {
    let mut out = String::with_capacity(tpl.len() + tpl.len() / 2);
    fill(&mut out, tpl, vars);
    out
}

type Emit<'a> = dyn FnMut(&str, &str) -> io::Result<()> + 'a;

fn render(spec: Spec, emit: &mut Emit) -> io::Result<()> {
    let plan = plan(spec);
    for (path, text) in fixed(&plan) {
        emit(path, &text)?;
    }
    for (i, ctx) in plan.contexts.iter().enumerate() {
        emit(&format!("lib/shop/{}.ex", ctx.snake), &context(&plan, i))?;
        emit(
            &format!("test/shop/{}_test.exs", ctx.snake),
            &context_test(&plan, i),
        )?;
        for j in ctx.schemas.clone() {
            let s = &plan.schemas[j];
            let base = format!("shop/{}/{}", ctx.snake, s.var);
            emit(&format!("lib/{base}.ex"), &schema(&plan, j))?;
            if s.tested {
                emit(&format!("test/{base}_test.exs"), &schema_test(&plan, j))?;
            }
            if s.controller.is_some() {
                let base = format!("shop_web/controllers/{}{}", s.web_dir, s.var);
                emit(&format!("lib/{base}_controller.ex"), &controller(&plan, j))?;
                emit(
                    &format!("test/{base}_controller_test.exs"),
                    &controller_test(&plan, j),
                )?;
                if s.json_view {
                    emit(
                        &format!("lib/{base}_json.ex"),
                        &filled(JSON_VIEW, &json_vars(&plan, j)),
                    )?;
                }
            }
        }
    }
    for (i, w) in plan.workers.iter().enumerate() {
        emit(
            &format!("lib/shop/workers/{}.ex", w.snake),
            &worker(&plan, i),
        )?;
        if w.tested {
            let vars = Vars::new().set("W", &w.name).set("w", &w.snake);
            let tpl = if w.oban { OBAN_TEST } else { GENSERVER_TEST };
            emit(
                &format!("test/shop/workers/{}_test.exs", w.snake),
                &filled(tpl, &vars),
            )?;
        }
    }
    for name in &plan.plugs {
        let key = snake(name);
        let vars = Vars::new()
            .set("P", name)
            .set("h", key.replace('_', "-"))
            .set("k", &key);
        emit(
            &format!("lib/shop_web/plugs/{key}.ex"),
            &filled(PLUG, &vars),
        )?;
    }
    for m in &plan.migrations {
        emit(
            &format!("priv/repo/migrations/{}.exs", m.file),
            &migration(&plan, m),
        )?;
    }
    Ok(())
}

/// The placeholders every template about one schema can use.
fn schema_vars(plan: &Plan, j: usize) -> Vars {
    let s = &plan.schemas[j];
    let ctx = &plan.contexts[s.ctx];
    let f = FIELDS[s.fields[0]];
    let vars = Vars::new()
        .set("C", &ctx.name)
        .set("c", &ctx.snake)
        .set("S", &s.name)
        .set("s", &s.var)
        .set("ss", &s.plural)
        .set("T", &s.table)
        .set("Web", &s.web)
        .set("q", &s.var[..1])
        .set("human", s.var.replace('_', " "))
        .set("path", format!("/api/{}/{}", ctx.snake, s.plural))
        .set("f", f.0)
        .set("v", f.3)
        .set("u", f.4)
        .set("valid", attrs(s, |f| f.3, false, 4))
        .set("update", attrs(s, |f| f.4, false, 4))
        .set("invalid", attrs(s, |f| f.3, true, 4));
    match s.parent.map(|p| &plan.schemas[p]) {
        Some(p) => vars.set("P", &p.name).set("p", &p.var).set("ps", &p.plural),
        None => vars,
    }
}

type Field = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

/// An Elixir map literal of the schema's fields; `invalid` blanks the required ones.
fn attrs(s: &Schema, value: fn(&Field) -> &'static str, invalid: bool, indent: usize) -> String {
    let parts: Vec<String> = (s.fields.iter().enumerate())
        .map(|(k, &f)| {
            let v = if invalid && k < s.required {
                "nil"
            } else {
                value(&FIELDS[f])
            };
            format!("{}: {v}", FIELDS[f].0)
        })
        .collect();
    wrapped("%{", &parts, "}", indent)
}

/// `open a, b close` on one line if it fits beside a 40-column prefix, else one item a
/// line as `mix format` writes it.
fn wrapped(open: &str, items: &[String], close: &str, indent: usize) -> String {
    let one_line = items.join(", ");
    if indent + 40 + one_line.len() <= 98 {
        return format!("{open}{one_line}{close}");
    }
    let pad = " ".repeat(indent + 2);
    let body: Vec<String> = items.iter().map(|i| format!("{pad}{i}")).collect();
    format!(
        "{open}\n{}\n{}{close}",
        body.join(",\n"),
        " ".repeat(indent)
    )
}

/// Drops a few one-line `@doc`s and `@spec`s: the DOCS002/DOCS003 findings of a real
/// code base, where a function was added in a hurry.
fn forget_some_docs(text: String, rng: &mut Rng) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        let one_line_doc = t.starts_with("@doc \"") && !t.starts_with("@doc \"\"\"");
        if !((one_line_doc || t.starts_with("@spec ")) && rng.chance(12)) {
            out.push_str(line);
        }
    }
    out
}

fn context(plan: &Plan, i: usize) -> String {
    let ctx = &plan.contexts[i];
    let mut rng = Rng::new(plan.seed, "context", i);
    let names: Vec<&str> = plan.schemas[ctx.schemas.clone()]
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    let listed: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    let first = (schema_vars(plan, ctx.schemas.start).set("names", names.join(", ")))
        .set("listed", listed.join(", "));
    let mut o = String::with_capacity(4096 * names.len());
    fill(&mut o, "defmodule Shop.«C» do\n", &first);
    if !planted(plan.seed, "ctx-moduledoc", i, 20) {
        fill(&mut o, CONTEXT_DOC, &first);
    }
    o.push_str("  import Ecto.Query, warn: false\n  require Logger\n\n");
    if names.len() > 1 {
        o.push_str("  alias Ecto.Multi\n");
    }
    fill(
        &mut o,
        "  alias Shop.Repo\n  alias Shop.«C».{«names»}\n\n",
        &first,
    );
    o.push_str("  @default_limit 50\n  @max_limit 200\n\n");
    for j in ctx.schemas.clone() {
        context_schema(&mut o, plan, j, &mut rng);
    }
    fill(&mut o, CONTEXT_REMOVE, &first);
    if let Some(&child) = plan.schemas[ctx.schemas.start].children.first() {
        let c = &plan.schemas[child];
        let vars = first
            .clone()
            .set("K", &c.name)
            .set("ks", &c.plural)
            .set("k", &c.var);
        fill(&mut o, CONTEXT_MULTI, &vars);
    }
    if planted(plan.seed, "ctx-raw-sql", i, 10) {
        fill(&mut o, CONTEXT_RAW_SQL, &first);
    }
    o.push_str(match planted(plan.seed, "ctx-mix-env", i, 10) {
        true => "  defp debug?, do: Mix.env() == :dev\n\n",
        false => "  defp debug?, do: Application.get_env(:shop, :debug_queries, false)\n\n",
    });
    o.push_str(CONTEXT_TAIL);
    forget_some_docs(o, &mut rng)
}

fn context_schema(o: &mut String, plan: &Plan, j: usize, rng: &mut Rng) {
    let s = &plan.schemas[j];
    let inspect = if planted(plan.seed, "ctx-inspect", j, 8) {
        "    |> IO.inspect(label: \"insert\")\n"
    } else {
        ""
    };
    let list = match planted(plan.seed, "ctx-unbounded", j, 15) {
        true => "Repo.all(«S»)",
        false => {
            "«S»\n    |> order_by([«q»], desc: field(«q», ^order))\n    |> limit(^limit)\n    |> offset(^offset)\n    |> Repo.all()"
        }
    };
    let vars = schema_vars(plan, j);
    let list = filled(list, &vars);
    let todo = match planted(plan.seed, "ctx-todo", j, 15) {
        true => "  # TODO: switch to keyset pagination once the mobile client sends cursors\n",
        false => "",
    };
    fill(
        o,
        CONTEXT_CRUD,
        &vars
            .set("inspect", inspect)
            .set("list", list)
            .set("todo", todo),
    );
    let vars = schema_vars(plan, j);
    let of_type = |ty: &str| -> Vec<&str> {
        s.fields
            .iter()
            .map(|&f| FIELDS[f])
            .filter(|f| f.1 == ty)
            .map(|f| f.0)
            .collect()
    };
    let strings = of_type(":string");
    if rng.chance(500) && !strings.is_empty() {
        let f = strings[rng.below(strings.len())];
        fill(o, CONTEXT_SEARCH, &schema_vars(plan, j).set("f", f));
    }
    let ints = of_type(":integer");
    if rng.chance(450) && !ints.is_empty() {
        let f = ints[rng.below(ints.len())];
        fill(o, CONTEXT_AT_LEAST, &schema_vars(plan, j).set("f", f));
    }
    if s.status {
        fill(o, CONTEXT_BY_STATUS, &vars);
    }
    if s.parent.is_some() {
        fill(o, CONTEXT_FOR_PARENT, &vars);
        let n_plus_one = planted(plan.seed, "ctx-n-plus-one", j, 60);
        fill(
            o,
            if n_plus_one {
                CONTEXT_COUNT_LOOP
            } else {
                CONTEXT_COUNT
            },
            &vars,
        );
    }
}

const CONTEXT_DOC: &str = r##"  @moduledoc """
  The «C» context: «listed».

  Every write goes through a changeset of the schema it touches; reads are paginated so
  that no caller can load a whole table by accident.
  """

"##;

const CONTEXT_CRUD: &str = r##"«todo»  @doc "Returns a page of «ss», newest first (`:limit` up to 200, `:offset`, `:order_by`)."
  @spec list_«ss»(keyword()) :: [«S».t()]
  def list_«ss»(opts \\ []) do
    {limit, offset, order} = page(opts)

    «list»
  end

  @doc "Gets a single «human». Raises `Ecto.NoResultsError` if there is none."
  @spec get_«s»!(integer() | String.t()) :: «S».t()
  def get_«s»!(id), do: Repo.get!(«S», id)

  @doc "Fetches a «human» as `{:ok, «s»}` or `{:error, :not_found}`."
  @spec fetch_«s»(term()) :: {:ok, «S».t()} | {:error, :not_found}
  def fetch_«s»(id) do
    case Repo.get(«S», id) do
      nil -> {:error, :not_found}
      %«S»{} = «s» -> {:ok, «s»}
    end
  end

  @doc "Creates a «human»."
  @spec create_«s»(map()) :: {:ok, «S».t()} | {:error, Ecto.Changeset.t()}
  def create_«s»(attrs \\ %{}) do
    %«S»{}
    |> «S».changeset(attrs)
«inspect»    |> Repo.insert()
  end

  @doc "Updates a «human»."
  @spec update_«s»(«S».t(), map()) :: {:ok, «S».t()} | {:error, Ecto.Changeset.t()}
  def update_«s»(%«S»{} = «s», attrs) do
    «s»
    |> «S».changeset(attrs)
    |> Repo.update()
  end

  @doc "Deletes a «human»."
  @spec delete_«s»(«S».t()) :: {:ok, «S».t()} | {:error, Ecto.Changeset.t()}
  def delete_«s»(%«S»{} = «s») do
    Logger.info("deleting «human» #{«s».id}")
    Repo.delete(«s»)
  end

  @doc "Returns a changeset for tracking «human» changes."
  @spec change_«s»(«S».t(), map()) :: Ecto.Changeset.t()
  def change_«s»(%«S»{} = «s», attrs \\ %{}) do
    «S».changeset(«s», attrs)
  end

"##;

const CONTEXT_SEARCH: &str = r##"  @doc "Searches «ss» whose «f» contains `term`, ignoring case."
  @spec search_«ss»(String.t(), pos_integer()) :: [«S».t()]
  def search_«ss»(term, limit \\ 20)

  def search_«ss»(term, limit) when is_binary(term) and byte_size(term) > 0 do
    pattern = "%" <> String.replace(term, ["%", "_"], "") <> "%"

    Repo.all(
      from «q» in «S»,
        where: ilike(«q».«f», ^pattern),
        order_by: [asc: «q».«f»],
        limit: ^limit
    )
  end

  def search_«ss»(_term, _limit), do: []

"##;

const CONTEXT_AT_LEAST: &str = r##"  @doc "The «ss» with a «f» of at least `min`, largest first."
  @spec list_«ss»_by_«f»(integer()) :: [«S».t()]
  def list_«ss»_by_«f»(min) when is_integer(min) do
    Repo.all(
      from «q» in «S»,
        where: «q».«f» >= ^min,
        order_by: [desc: «q».«f»],
        limit: @max_limit
    )
  end

"##;

const CONTEXT_BY_STATUS: &str = r##"  @doc "How many «ss» were created since `since`, by status."
  @spec count_«ss»_by_status(DateTime.t()) :: %{atom() => non_neg_integer()}
  def count_«ss»_by_status(%DateTime{} = since) do
    from(«q» in «S»,
      where: «q».inserted_at >= ^since,
      group_by: «q».status,
      select: {«q».status, count(«q».id)}
    )
    |> Repo.all()
    |> Map.new()
  end

"##;

const CONTEXT_FOR_PARENT: &str = r##"  @doc "The «ss» of a «p», newest first."
  @spec list_«ss»_for_«p»(«P».t(), keyword()) :: [«S».t()]
  def list_«ss»_for_«p»(%«P»{id: «p»_id}, opts \\ []) do
    {limit, offset, _order} = page(opts)

    «S»
    |> where([«q»], «q».«p»_id == ^«p»_id)
    |> order_by([«q»], desc: «q».inserted_at)
    |> limit(^limit)
    |> offset(^offset)
    |> Repo.all()
  end

  @doc "How many «ss» each of the given «ps» has."
  @spec count_«ss»_by_«p»([integer()]) :: %{integer() => non_neg_integer()}
"##;

const CONTEXT_COUNT: &str = r##"  def count_«ss»_by_«p»(«p»_ids) when is_list(«p»_ids) do
    from(«q» in «S»,
      where: «q».«p»_id in ^«p»_ids,
      group_by: «q».«p»_id,
      select: {«q».«p»_id, count(«q».id)}
    )
    |> Repo.all()
    |> Map.new()
  end

"##;

const CONTEXT_COUNT_LOOP: &str = r##"  def count_«ss»_by_«p»(«p»_ids) when is_list(«p»_ids) do
    «p»_ids
    |> Enum.map(fn id ->
      query = from(«q» in «S», where: «q».«p»_id == ^id)
      {id, Repo.aggregate(query, :count)}
    end)
    |> Map.new()
  end

"##;

const CONTEXT_REMOVE: &str = r##"  @doc "Removes a «human» on behalf of `actor`, who must be allowed to."
  @spec remove_«s»(term(), map()) :: {:ok, «S».t()} | {:error, term()}
  def remove_«s»(id, actor) do
    with {:ok, «s»} <- fetch_«s»(id),
         :ok <- authorize(actor, :remove, «s»),
         {:ok, «s»} <- delete_«s»(«s») do
      :telemetry.execute([:shop, :«c», :«s»_removed], %{count: 1}, %{id: «s».id})
      {:ok, «s»}
    end
  end

"##;

const CONTEXT_MULTI: &str = r##"  @doc "Creates a «human» with its «ks» in one transaction."
  @spec create_«s»_with_«ks»(map(), [map()]) :: {:ok, «S».t()} | {:error, term()}
  def create_«s»_with_«ks»(attrs, «k»_attrs) when is_list(«k»_attrs) do
    now = DateTime.truncate(DateTime.utc_now(), :second)

    Multi.new()
    |> Multi.insert(:«s», «S».changeset(%«S»{}, attrs))
    |> Multi.run(:«ks», fn repo, %{«s»: «s»} ->
      stamps = %{«s»_id: «s».id, inserted_at: now, updated_at: now}
      rows = Enum.map(«k»_attrs, &Map.merge(&1, stamps))
      {count, _} = repo.insert_all(«K», rows)
      {:ok, count}
    end)
    |> Repo.transaction()
    |> case do
      {:ok, %{«s»: «s»}} -> {:ok, «s»}
      {:error, _step, reason, _changes} -> {:error, reason}
    end
  end

"##;

const CONTEXT_RAW_SQL: &str = r##"  @doc "Counts «ss» by «f» straight from SQL, for the admin report."
  @spec raw_count(String.t()) :: non_neg_integer()
  def raw_count(term) do
    %{rows: [[count]]} = Repo.query!("SELECT count(*) FROM «T» WHERE «f» = '#{term}'")
    count
  end

"##;

const CONTEXT_TAIL: &str = r##"  defp page(opts) do
    limit = opts |> Keyword.get(:limit, @default_limit) |> min(@max_limit)
    offset = Keyword.get(opts, :offset, 0)
    order = Keyword.get(opts, :order_by, :inserted_at)
    if debug?(), do: Logger.debug("page limit=#{limit} offset=#{offset}")
    {limit, offset, order}
  end

  defp authorize(%{role: :admin}, _action, _resource), do: :ok
  defp authorize(%{id: id}, action, %{owner_id: id}) when action in [:update, :remove], do: :ok
  defp authorize(_actor, _action, _resource), do: {:error, :forbidden}
end
"##;

fn context_test(plan: &Plan, i: usize) -> String {
    let ctx = &plan.contexts[i];
    let names: Vec<&str> = plan.schemas[ctx.schemas.clone()]
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    let head = Vars::new()
        .set("C", &ctx.name)
        .set("names", names.join(", "));
    let mut o = filled(
        "defmodule Shop.«C»Test do\n  use Shop.DataCase, async: true\n\n  alias Shop.«C»\n  alias Shop.«C».{«names»}\n",
        &head,
    );
    for j in ctx.schemas.clone() {
        let s = &plan.schemas[j];
        // Unique columns get fresh values, or the second fixture of a test would collide.
        let mut extra: Vec<String> = (s.fields.iter().map(|&f| FIELDS[f].0))
            .filter(|f| UNIQUE_FIELDS.contains(f))
            .map(|f| match f {
                "email" => "email: Fixtures.unique_email()".to_string(),
                f => format!("{f}: Fixtures.unique_string(\"{f}\")"),
            })
            .collect();
        if let Some(p) = s.parent {
            extra.push(format!("{0}_id: {0}_fixture().id", plan.schemas[p].var));
        }
        let defaults = match extra.is_empty() {
            true => "@valid_attrs".to_string(),
            false => format!("Map.merge(@valid_attrs, %{{{}}})", extra.join(", ")),
        };
        let skip = if planted(plan.seed, "test-skip", j, 15) {
            "\n  @tag :skip"
        } else {
            ""
        };
        fill(
            &mut o,
            CONTEXT_TEST,
            &schema_vars(plan, j)
                .set("defaults", defaults)
                .set("skip", skip),
        );
    }
    o.push_str("end\n");
    o
}

const CONTEXT_TEST: &str = r##"«skip»
  describe "«ss»" do
    @valid_attrs «valid»
    @update_attrs «update»
    @invalid_attrs «invalid»

    test "list_«ss»/1 returns the «ss»" do
      «s» = «s»_fixture()
      assert Enum.map(«C».list_«ss»(), & &1.id) == [«s».id]
    end

    test "list_«ss»/1 honours the limit" do
      for _ <- 1..3, do: «s»_fixture()
      assert length(«C».list_«ss»(limit: 2)) == 2
    end

    test "get_«s»!/1 returns the «human» with the given id" do
      «s» = «s»_fixture()
      assert «C».get_«s»!(«s».id).id == «s».id
    end

    test "fetch_«s»/1 tells a missing «human» apart" do
      assert {:error, :not_found} = «C».fetch_«s»(-1)
    end

    test "create_«s»/1 with valid data creates a «human»" do
      assert {:ok, %«S»{} = «s»} = «C».create_«s»(@valid_attrs)
      assert «s».«f» == «v»
    end

    test "create_«s»/1 with invalid data returns an error changeset" do
      assert {:error, %Ecto.Changeset{}} = «C».create_«s»(@invalid_attrs)
    end

    test "update_«s»/2 with valid data updates the «human»" do
      «s» = «s»_fixture()
      assert {:ok, %«S»{} = «s»} = «C».update_«s»(«s», @update_attrs)
      assert «s».«f» == «u»
    end

    test "delete_«s»/1 deletes the «human»" do
      «s» = «s»_fixture()
      assert {:ok, %«S»{}} = «C».delete_«s»(«s»)
      assert_raise Ecto.NoResultsError, fn -> «C».get_«s»!(«s».id) end
    end

    test "change_«s»/1 returns a changeset" do
      assert %Ecto.Changeset{} = «C».change_«s»(«s»_fixture())
    end
  end

  defp «s»_fixture(attrs \\ %{}) do
    {:ok, «s»} =
      attrs
      |> Enum.into(«defaults»)
      |> «C».create_«s»()

    «s»
  end
"##;

fn schema(plan: &Plan, j: usize) -> String {
    let s = &plan.schemas[j];
    let mut rng = Rng::new(plan.seed, "schema-file", j);
    let fields: Vec<Field> = s.fields.iter().map(|&f| FIELDS[f]).collect();
    let atoms = |fs: &[Field]| fs.iter().map(|f| format!(":{}", f.0)).collect::<Vec<_>>();
    let (req, mut opt) = (atoms(&fields[..s.required]), atoms(&fields[s.required..]));
    let (mut docs, mut decl, mut checks) = (String::new(), String::new(), String::new());
    for (k, f) in fields.iter().enumerate() {
        let ty = f.1.trim_start_matches(':').replace('_', " ");
        let unique = if UNIQUE_FIELDS.contains(&f.0) {
            ", unique"
        } else {
            ""
        };
        let req = if k < s.required { ", required" } else { "" };
        docs.push_str(&format!("    * `{}` ({ty}{req}{unique})\n", f.0));
        decl.push_str(&format!("    field :{}, {}\n", f.0, f.1));
        checks.push_str(&match (f.0, f.1) {
            ("email", _) => "    |> validate_format(:email, ~r/^[^\\s]+@[^\\s]+$/, message: \"must have the @ sign and no spaces\")\n    |> validate_length(:email, max: 160)\n".to_string(),
            ("currency", _) => "    |> validate_inclusion(:currency, ~w(EUR USD GBP CHF))\n".to_string(),
            (name, ":string") => format!("    |> validate_length(:{name}, min: 1, max: {})\n", [80, 120, 255][rng.below(3)]),
            (name, ":integer") => format!("    |> validate_number(:{name}, greater_than_or_equal_to: 0)\n"),
            _ => String::new(),
        });
    }
    for f in fields.iter().filter(|f| UNIQUE_FIELDS.contains(&f.0)) {
        checks.push_str(&format!("    |> unique_constraint(:{})\n", f.0));
    }
    if s.status {
        opt.push(":status".into());
        decl.push_str(
            "    field :status, Ecto.Enum, values: [:draft, :active, :archived], default: :draft\n",
        );
    }
    let ctx = &plan.contexts[s.ctx].name;
    if let Some(p) = s.parent.map(|p| &plan.schemas[p]) {
        opt.push(format!(":{}_id", p.var));
        decl.push_str(&format!(
            "\n    belongs_to :{}, Shop.{ctx}.{}\n",
            p.var, p.name
        ));
        checks.push_str(&format!("    |> foreign_key_constraint(:{}_id)\n", p.var));
    }
    for c in s.children.iter().map(|&c| &plan.schemas[c]) {
        decl.push_str(&format!(
            "    has_many :{}, Shop.{ctx}.{}\n",
            c.plural, c.name
        ));
    }
    let mut assocs = vec![":__meta__".to_string()];
    assocs.extend(s.parent.map(|p| format!(":{}", plan.schemas[p].var)));
    assocs.extend(
        s.children
            .iter()
            .map(|&c| format!(":{}", plan.schemas[c].plural)),
    );
    let vars = schema_vars(plan, j)
        .set("docs", docs)
        .set("decl", decl)
        .set("checks", checks)
        .set("req", wrapped("[", &req, "]", 2))
        .set("opt", wrapped("[", &opt, "]", 2))
        .set("hidden", wrapped("[", &assocs, "]", 20));
    let mut o = filled("defmodule Shop.«C».«S» do\n", &vars);
    if !planted(plan.seed, "schema-moduledoc", j, 10) {
        fill(&mut o, SCHEMA_DOC, &vars);
    }
    fill(&mut o, SCHEMA, &vars);
    if s.status {
        fill(&mut o, SCHEMA_STATUS, &vars);
    }
    o.push_str("end\n");
    o
}

const SCHEMA_DOC: &str = r##"  @moduledoc """
  A «human» of the «C» context, stored in the `«T»` table.

  ## Fields

«docs»  """
"##;

const SCHEMA: &str = r##"  use Ecto.Schema
  import Ecto.Changeset
  import Ecto.Query, only: [from: 2]

  @type t :: %__MODULE__{}

  @required_fields «req»
  @optional_fields «opt»

  @derive {Jason.Encoder, except: «hidden»}
  schema "«T»" do
«decl»
    timestamps(type: :utc_datetime)
  end

  @doc """
  Builds a changeset for creating or updating a «human».
  """
  @spec changeset(t(), map()) :: Ecto.Changeset.t()
  def changeset(«s», attrs) do
    «s»
    |> cast(attrs, @required_fields ++ @optional_fields)
    |> validate_required(@required_fields)
«checks»  end

  @doc """
  Orders `query` by «f», the newest first among equals.
  """
  @spec ordered(Ecto.Queryable.t()) :: Ecto.Query.t()
  def ordered(query \\ __MODULE__) do
    from(«q» in query, order_by: [asc: «q».«f», desc: «q».inserted_at])
  end
"##;

const SCHEMA_STATUS: &str = r##"
  @doc """
  Narrows `query` to the active «ss».
  """
  @spec active(Ecto.Queryable.t()) :: Ecto.Query.t()
  def active(query \\ __MODULE__), do: from(«q» in query, where: «q».status == :active)

  @doc """
  A changeset that only moves the «human» to another status.
  """
  @spec status_changeset(t(), atom() | String.t()) :: Ecto.Changeset.t()
  def status_changeset(«s», status) do
    «s»
    |> cast(%{status: status}, [:status])
    |> validate_required([:status])
    |> validate_change(:status, fn :status, new ->
      if new == «s».status, do: [status: "is unchanged"], else: []
    end)
  end
"##;

fn schema_test(plan: &Plan, j: usize) -> String {
    filled(SCHEMA_TEST, &schema_vars(plan, j))
}

const SCHEMA_TEST: &str = r##"defmodule Shop.«C».«S»Test do
  use Shop.DataCase, async: true

  alias Shop.«C».«S»

  test "a changeset with every required field is valid" do
    attrs = «valid»
    assert «S».changeset(%«S»{}, attrs).valid?
  end

  test "«f» is required" do
    changeset = «S».changeset(%«S»{}, %{})
    assert %{«f»: ["can't be blank"]} = errors_on(changeset)
  end

  test "ordered/1 sorts by «f»" do
    assert %Ecto.Query{order_bys: [_]} = «S».ordered()
  end
end
"##;

fn controller(plan: &Plan, j: usize) -> String {
    let s = &plan.schemas[j];
    let n = s.controller.unwrap_or(j);
    let vars = schema_vars(plan, j);
    let plug = match s.plug {
        Some(p) => format!(
            "  plug ShopWeb.Plugs.{} when action in [:create, :update, :delete]\n\n",
            plan.plugs[p]
        ),
        None => String::new(),
    };
    let todo = match planted(plan.seed, "ctrl-todo", n, 20) {
        true => "  # TODO: move the sort whitelist into the context once the admin API needs it\n",
        false => "",
    };
    let order = match planted(plan.seed, "ctrl-to-atom", n, 25) {
        true => "String.to_atom(params[\"sort\"] || \"inserted_at\")",
        false => "Map.get(@sortable, params[\"sort\"], :inserted_at)",
    };
    let list = match planted(plan.seed, "ctrl-repo", n, 10) {
        true => filled("«ss» = Shop.Repo.all(«S»)", &vars),
        false => filled(
            &format!(
                "order = {order}\n    «ss» = «C».list_«ss»(limit: limit, offset: offset, order_by: order)"
            ),
            &vars,
        ),
    };
    let inspect = match planted(plan.seed, "ctrl-inspect", n, 10) {
        true => "    IO.inspect(params, label: \"index params\")\n",
        false => "",
    };
    let token = if planted(plan.seed, "ctrl-token", n, 10) {
        CONTROLLER_TOKEN
    } else {
        ""
    };
    let (many, one, piped) = match s.json_view {
        true => (
            "render(conn, :index, «ss»: «ss»)",
            "render(conn, :show, «s»: «s»)",
            "render(:show, «s»: «s»)",
        ),
        false => (
            "json(conn, %{data: Enum.map(«ss», &serialize/1)})",
            "json(conn, %{data: serialize(«s»)})",
            "json(%{data: serialize(«s»)})",
        ),
    };
    let serialize = match s.json_view {
        true => String::new(),
        false => {
            let fields: Vec<String> = (s.fields.iter().map(|&f| FIELDS[f].0))
                .map(|f| format!("      {f}: «s».{f},\n"))
                .collect();
            let tpl = format!(
                "\n  defp serialize(%«S»{{}} = «s») do\n    %{{\n      id: «s».id,\n{}      inserted_at: «s».inserted_at\n    }}\n  end\n",
                fields.concat()
            );
            filled(&tpl, &vars)
        }
    };
    let (many, one, piped) = (
        filled(many, &vars),
        filled(one, &vars),
        filled(piped, &vars),
    );
    let vars = vars
        .set("plug", plug)
        .set("todo", todo)
        .set("list", list)
        .set("inspect", inspect)
        .set("token", token)
        .set("many", many)
        .set("one", one)
        .set("piped", piped)
        .set("serialize", serialize);
    filled(CONTROLLER, &vars)
}

const CONTROLLER_TOKEN: &str = r##"  def create(conn, %{"token" => token} = params) do
    Logger.debug("create with token #{params["token"]}")
    create(conn, params |> Map.delete("token") |> Map.put("issued_by", token))
  end

"##;

const CONTROLLER: &str = r##"defmodule «Web».«S»Controller do
  use ShopWeb, :controller
  require Logger

  alias Shop.«C»
  alias Shop.«C».«S»

  action_fallback ShopWeb.FallbackController

«plug»  @sortable %{"newest" => :inserted_at, "updated" => :updated_at}

«todo»  def index(conn, params) do
«inspect»    {limit, offset} = pagination(params)
    «list»
    «many»
  end

«token»  def create(conn, %{"«s»" => «s»_params}) do
    with {:ok, %«S»{} = «s»} <- «C».create_«s»(«s»_params) do
      conn
      |> put_status(:created)
      |> put_resp_header("location", ~p"«path»/#{«s»}")
      |> «piped»
    end
  end

  def show(conn, %{"id" => id}) do
    with {:ok, «s»} <- «C».fetch_«s»(id) do
      «one»
    end
  end

  def update(conn, %{"id" => id, "«s»" => «s»_params}) do
    «s» = «C».get_«s»!(id)

    with {:ok, %«S»{} = «s»} <- «C».update_«s»(«s», «s»_params) do
      «one»
    end
  end

  def delete(conn, %{"id" => id}) do
    «s» = «C».get_«s»!(id)

    with {:ok, %«S»{}} <- «C».delete_«s»(«s») do
      send_resp(conn, :no_content, "")
    end
  end

  defp pagination(params) do
    limit = params["limit"] |> parse_int(50) |> min(200) |> max(1)
    {limit, parse_int(params["offset"], 0)}
  end

  defp parse_int(nil, default), do: default

  defp parse_int(value, default) when is_binary(value) do
    case Integer.parse(value) do
      {int, ""} when int >= 0 -> int
      _ -> default
    end
  end
«serialize»end
"##;

fn json_vars(plan: &Plan, j: usize) -> Vars {
    let s = &plan.schemas[j];
    let fields: Vec<String> = (s.fields.iter().map(|&f| FIELDS[f].0))
        .map(|f| format!("      {f}: {}.{f},\n", s.var))
        .collect();
    schema_vars(plan, j).set("fields", fields.concat())
}

const JSON_VIEW: &str = r##"defmodule «Web».«S»JSON do
  alias Shop.«C».«S»

  @doc """
  Renders a list of «ss».
  """
  def index(%{«ss»: «ss»}) do
    %{data: for(«s» <- «ss», do: data(«s»))}
  end

  @doc """
  Renders a single «human».
  """
  def show(%{«s»: «s»}) do
    %{data: data(«s»)}
  end

  defp data(%«S»{} = «s») do
    %{
      id: «s».id,
«fields»      inserted_at: «s».inserted_at,
      updated_at: «s».updated_at
    }
  end
end
"##;

fn controller_test(plan: &Plan, j: usize) -> String {
    let s = &plan.schemas[j];
    let n = s.controller.unwrap_or(j);
    let tag = if planted(plan.seed, "ctrl-test-skip", n, 15) {
        "    @tag :skip\n"
    } else {
        ""
    };
    let debug = match planted(plan.seed, "ctrl-test-inspect", n, 10) {
        true => "      IO.inspect(json_response(conn, 200))\n",
        false => "",
    };
    let vars = (schema_vars(plan, j).set("tag", tag).set("debug", debug))
        .set("valid", attrs(s, |f| f.3, false, 2))
        .set("update", attrs(s, |f| f.4, false, 2))
        .set("invalid", attrs(s, |f| f.3, true, 2));
    filled(CONTROLLER_TEST, &vars)
}

const CONTROLLER_TEST: &str = r##"defmodule «Web».«S»ControllerTest do
  use ShopWeb.ConnCase, async: true

  alias Shop.«C»
  alias Shop.«C».«S»

  @create_attrs «valid»
  @update_attrs «update»
  @invalid_attrs «invalid»

  setup %{conn: conn} do
    {:ok, conn: put_req_header(conn, "accept", "application/json")}
  end

  describe "index" do
«tag»    test "lists the «ss»", %{conn: conn} do
      conn = get(conn, ~p"«path»")
«debug»      assert json_response(conn, 200)["data"] == []
    end

    test "pages with limit and offset", %{conn: conn} do
      conn = get(conn, ~p"«path»?limit=1&offset=0")
      assert is_list(json_response(conn, 200)["data"])
    end
  end

  describe "create «human»" do
    test "renders the «human» when data is valid", %{conn: conn} do
      conn = post(conn, ~p"«path»", «s»: @create_attrs)
      assert %{"id" => id} = json_response(conn, 201)["data"]

      conn = get(conn, ~p"«path»/#{id}")
      assert %{"id" => ^id, "«f»" => _} = json_response(conn, 200)["data"]
    end

    test "renders errors when data is invalid", %{conn: conn} do
      conn = post(conn, ~p"«path»", «s»: @invalid_attrs)
      assert json_response(conn, 422)["errors"] != %{}
    end
  end

  describe "update «human»" do
    setup [:create_«s»]

    test "renders the «human» when data is valid", %{conn: conn, «s»: %«S»{id: id} = «s»} do
      conn = put(conn, ~p"«path»/#{«s»}", «s»: @update_attrs)
      assert %{"id" => ^id} = json_response(conn, 200)["data"]
    end

    test "renders errors when data is invalid", %{conn: conn, «s»: «s»} do
      conn = put(conn, ~p"«path»/#{«s»}", «s»: @invalid_attrs)
      assert json_response(conn, 422)["errors"] != %{}
    end
  end

  describe "delete «human»" do
    setup [:create_«s»]

    test "deletes the chosen «human»", %{conn: conn, «s»: «s»} do
      conn = delete(conn, ~p"«path»/#{«s»}")
      assert response(conn, 204)

      conn = get(conn, ~p"«path»/#{«s»}")
      assert json_response(conn, 404)
    end
  end

  defp create_«s»(_) do
    {:ok, «s»} = «C».create_«s»(@create_attrs)
    %{«s»: «s»}
  end
end
"##;

fn worker(plan: &Plan, i: usize) -> String {
    let w = &plan.workers[i];
    let mut rng = Rng::new(plan.seed, "worker", i);
    // The ordinal among workers of the same kind (roles alternate in blocks of eight).
    let n = i / WORKER_ROLES.len() * OBAN_FROM + i % OBAN_FROM;
    let todo = match planted(plan.seed, "worker-todo", n, 20) {
        true => "  # TODO: make the interval configurable per environment\n",
        false => "",
    };
    let vars = schema_vars(plan, w.schema)
        .set("W", &w.name)
        .set("w", &w.snake)
        .set("todo", todo);
    if w.oban {
        let rescue = if planted(plan.seed, "worker-rescue", n, 20) {
            "  rescue\n    _ -> :ok\n"
        } else {
            ""
        };
        let vars = vars
            .set("rescue", rescue)
            .set("queue", ["default", "exports", "mailers"][rng.below(3)])
            .set("attempts", (3 + rng.below(8)).to_string())
            .set("period", ["30", "60", "300"][rng.below(3)])
            .set("base", ["5", "10", "15"][rng.below(3)]);
        return filled(OBAN_WORKER, &vars);
    }
    let emit = match planted(plan.seed, "worker-quiet", n, 30) {
        true => "    Logger.debug(\"«W» flushed #{map_size(state.entries)} entries\")\n",
        false => {
            "    :telemetry.execute(\n      [:shop, :workers, :«w», :flush],\n      %{hits: state.hits, misses: state.misses, size: map_size(state.entries)},\n      %{}\n    )\n\n"
        }
    };
    let emit = filled(emit, &vars);
    let minutes = ["5", "1", "15", "10"][rng.below(4)];
    filled(GENSERVER, &vars.set("emit", emit).set("n", minutes))
}

const OBAN_WORKER: &str = r##"defmodule Shop.Workers.«W» do
  @moduledoc """
  Refreshes one «human» from its upstream source. Enqueued with the «human»'s id; a job
  for a «human» that no longer exists is cancelled rather than retried.
  """
  use Oban.Worker, queue: :«queue», max_attempts: «attempts», unique: [period: «period»]
  require Logger

  alias Shop.«C»

«todo»  @impl Oban.Worker
  def perform(%Oban.Job{args: %{"id" => id} = args, attempt: attempt}) do
    started = System.monotonic_time()

    with {:ok, «s»} <- «C».fetch_«s»(id),
         {:ok, «s»} <- «C».update_«s»(«s», Map.take(args, ["«f»"])) do
      :telemetry.execute(
        [:shop, :workers, :«w», :done],
        %{duration: System.monotonic_time() - started},
        %{id: «s».id, attempt: attempt}
      )

      :ok
    else
      {:error, :not_found} -> {:cancel, :not_found}
      {:error, %Ecto.Changeset{} = changeset} -> {:error, inspect(changeset.errors)}
    end
«rescue»  end

  def perform(%Oban.Job{args: args}) do
    Logger.warning("«W» got unexpected args: #{inspect(Map.keys(args))}")
    {:cancel, :invalid_args}
  end

  @impl Oban.Worker
  def backoff(%Oban.Job{attempt: attempt}), do: trunc(:math.pow(2, attempt) * «base»)
end
"##;

const GENSERVER: &str = r##"defmodule Shop.Workers.«W» do
  @moduledoc """
  Keeps recent entries in memory between flushes. Reads are calls, writes are casts, and
  everything is dropped on each flush so that stale entries cannot outlive an interval.
  """
  use GenServer
  require Logger

  @interval :timer.minutes(«n»)

«todo»  @doc """
  Starts the server; `:name` registers it, `:interval` sets the flush period.
  """
  @spec start_link(keyword()) :: GenServer.on_start()
  def start_link(opts \\ []) do
    GenServer.start_link(__MODULE__, opts, Keyword.take(opts, [:name]))
  end

  @doc """
  Returns `{:ok, value}` for a known key, `:error` otherwise.
  """
  @spec fetch(GenServer.server(), term()) :: {:ok, term()} | :error
  def fetch(server \\ __MODULE__, key), do: GenServer.call(server, {:fetch, key})

  @doc """
  Stores `value` under `key` until the next flush.
  """
  @spec put(GenServer.server(), term(), term()) :: :ok
  def put(server \\ __MODULE__, key, value), do: GenServer.cast(server, {:put, key, value})

  @doc """
  Hit and miss counts since the last flush.
  """
  @spec stats(GenServer.server()) :: %{hits: non_neg_integer(), misses: non_neg_integer()}
  def stats(server \\ __MODULE__), do: GenServer.call(server, :stats)

  @impl true
  def init(opts) do
    interval = Keyword.get(opts, :interval, @interval)
    schedule(interval)
    {:ok, %{entries: %{}, interval: interval, hits: 0, misses: 0}}
  end

  @impl true
  def handle_call({:fetch, key}, _from, state) do
    case Map.fetch(state.entries, key) do
      {:ok, value} -> {:reply, {:ok, value}, %{state | hits: state.hits + 1}}
      :error -> {:reply, :error, %{state | misses: state.misses + 1}}
    end
  end

  def handle_call(:stats, _from, state) do
    {:reply, Map.take(state, [:hits, :misses]), state}
  end

  @impl true
  def handle_cast({:put, key, value}, state) do
    {:noreply, %{state | entries: Map.put(state.entries, key, value)}}
  end

  @impl true
  def handle_info(:flush, state) do
«emit»    schedule(state.interval)
    {:noreply, %{state | entries: %{}, hits: 0, misses: 0}}
  end

  def handle_info(message, state) do
    Logger.warning("«W» ignored an unexpected message: #{inspect(message)}")
    {:noreply, state}
  end

  defp schedule(interval), do: Process.send_after(self(), :flush, interval)
end
"##;

const OBAN_TEST: &str = r##"defmodule Shop.Workers.«W»Test do
  use Shop.DataCase, async: true
  use Oban.Testing, repo: Shop.Repo

  alias Shop.Workers.«W»

  test "cancels the job of a record that is gone" do
    assert {:cancel, :not_found} = perform_job(«W», %{"id" => -1})
  end

  test "cancels a job with unexpected args" do
    assert {:cancel, :invalid_args} = perform_job(«W», %{"unexpected" => true})
  end
end
"##;

const GENSERVER_TEST: &str = r##"defmodule Shop.Workers.«W»Test do
  use ExUnit.Case, async: true

  alias Shop.Workers.«W»

  setup do
    %{server: start_supervised!({«W», interval: :timer.hours(1)})}
  end

  test "a missing key is an error", %{server: server} do
    assert «W».fetch(server, :missing) == :error
    assert %{misses: 1, hits: 0} = «W».stats(server)
  end

  test "returns what was put", %{server: server} do
    :ok = «W».put(server, :answer, 42)
    assert «W».fetch(server, :answer) == {:ok, 42}
    assert %{hits: 1} = «W».stats(server)
  end

  test "forgets everything on flush", %{server: server} do
    :ok = «W».put(server, :answer, 42)
    send(server, :flush)
    assert «W».fetch(server, :answer) == :error
  end

  test "reports each flush", %{server: server} do
    event = [:shop, :workers, :«w», :flush]
    ref = :telemetry_test.attach_event_handlers(self(), [event])
    send(server, :flush)
    assert_receive {^event, ^ref, %{size: 0}, %{}}
  end

  test "ignores stray messages", %{server: server} do
    send(server, :unexpected)
    assert «W».fetch(server, :missing) == :error
  end
end
"##;

const PLUG: &str = r##"defmodule ShopWeb.Plugs.«P» do
  @moduledoc """
  Reads the `x-«h»` request header into `conn.assigns.«k»`, rejecting values that
  are too long to be genuine.
  """
  @behaviour Plug
  import Plug.Conn

  @max_length 128

  @impl Plug
  def init(opts), do: Keyword.validate!(opts, header: "x-«h»", required: false)

  @impl Plug
  def call(conn, opts) do
    case get_req_header(conn, opts[:header]) do
      [value | _] when byte_size(value) in 1..@max_length ->
        assign(conn, :«k», value)

      [] when opts[:required] ->
        conn |> send_resp(:bad_request, "missing #{opts[:header]}") |> halt()

      _ ->
        conn
    end
  end
end
"##;

fn migration(plan: &Plan, m: &Migration) -> String {
    let mut o = format!(
        "defmodule Shop.Repo.Migrations.{} do\n  use Ecto.Migration\n\n",
        m.module
    );
    let (schema, column, variant) = match m.change {
        Change::Alter {
            schema,
            column,
            variant,
        } => (schema, column, variant),
        Change::Create(ref range) => {
            o.push_str("  def change do\n");
            for (k, s) in plan.schemas[range.clone()].iter().enumerate() {
                o.push_str(if k > 0 { "\n" } else { "" });
                o.push_str(&format!("    create table(:{}) do\n", s.table));
                for (n, f) in s.fields.iter().map(|&f| FIELDS[f]).enumerate() {
                    let null = if n < s.required { ", null: false" } else { "" };
                    o.push_str(&format!("      add :{}, {}{null}\n", f.0, f.2));
                }
                if s.status {
                    o.push_str("      add :status, :string, null: false, default: \"draft\"\n");
                }
                let parent = s.parent.map(|p| &plan.schemas[p]);
                if let Some(p) = parent {
                    let (v, t) = (&p.var, &p.table);
                    o.push_str(&format!(
                        "      add :{v}_id, references(:{t}, on_delete: :delete_all)\n"
                    ));
                }
                o.push_str("\n      timestamps(type: :utc_datetime)\n    end\n");
                if let Some(p) = parent {
                    o.push_str(&format!(
                        "\n    create index(:{}, [:{}_id])\n",
                        s.table, p.var
                    ));
                }
                for f in s
                    .fields
                    .iter()
                    .map(|&f| FIELDS[f].0)
                    .filter(|f| UNIQUE_FIELDS.contains(f))
                {
                    o.push_str(&format!("    create unique_index(:{}, [:{f}])\n", s.table));
                }
            }
            o.push_str("  end\nend\n");
            return o;
        }
    };
    let (t, (c, ty, default)) = (&plan.schemas[schema].table, ALTER_COLUMNS[column]);
    let add = |extra: &str| {
        format!("  def change do\n    alter table(:{t}) do\n      add :{c}, {ty}{extra}\n    end\n")
    };
    let users = &plan.schemas[0].table;
    o.push_str(&match (variant, default) {
        (1 | 2, Some(d)) => add(&format!(", null: false, default: {d}")) + "  end\nend\n",
        (3, _) => format!(
            "  @disable_ddl_transaction true\n  @disable_migration_lock true\n\n{}\n    create index(:{t}, [:{c}], concurrently: true)\n  end\nend\n",
            add("")
        ),
        (4, _) => format!(
            "  def up do\n    alter table(:{t}) do\n      remove :{c}\n    end\n  end\n\n  def down do\n    alter table(:{t}) do\n      add :{c}, {ty}\n    end\n  end\nend\n"
        ),
        (5, _) => add("") + &format!("\n    create index(:{t}, [:{c}])\n  end\nend\n"),
        (6, _) => add(", null: false") + "  end\nend\n",
        (7, _) => add(&format!("\n      add :owner_id, references(:{users}, on_delete: :nilify_all)"))
            + "  end\nend\n",
        _ => add("") + "  end\nend\n",
    });
    o
}

/// mix deps: name, requirement, extra options.
#[rustfmt::skip]
const DEPS: &[(&str, &str, &str)] = &[
    ("phoenix", "~> 1.7.14", ""), ("phoenix_ecto", "~> 4.6", ""), ("ecto_sql", "~> 3.12", ""),
    ("postgrex", ">= 0.0.0", ""), ("phoenix_live_view", "~> 1.0", ""),
    ("phoenix_live_dashboard", "~> 0.8.4", ""), ("floki", "~> 0.36", ", only: :test"),
    ("telemetry_metrics", "~> 1.0", ""), ("telemetry_poller", "~> 1.0", ""),
    ("gettext", "~> 0.26", ""), ("jason", "~> 1.2", ""), ("plug_cowboy", "~> 2.7", ""),
    ("oban", "~> 2.18", ""),
];
/// mix.lock: name, version, build tools, its dependencies (name, requirement, optional).
type LockEntry = (
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str, bool)],
);
#[rustfmt::skip]
const LOCK: &[LockEntry] = &[
    ("castore", "1.0.9", ":mix", &[]),
    ("cowboy", "2.12.0", ":make, :rebar3", &[("cowlib", ">= 2.13.0 and < 3.0.0", false), ("ranch", ">= 1.8.0 and < 3.0.0", false)]),
    ("cowboy_telemetry", "0.4.0", ":rebar3", &[("cowboy", "~> 2.7", false), ("telemetry", "~> 1.0", false)]),
    ("cowlib", "2.13.0", ":make, :rebar3", &[]),
    ("db_connection", "2.7.0", ":mix", &[("telemetry", "~> 0.4 or ~> 1.0", false)]),
    ("decimal", "2.1.1", ":mix", &[]),
    ("ecto", "3.12.4", ":mix", &[("decimal", "~> 2.0", false), ("jason", "~> 1.0", true), ("telemetry", "~> 0.4 or ~> 1.0", false)]),
    ("ecto_sql", "3.12.1", ":mix", &[("db_connection", "~> 2.4.1 or ~> 2.5", false), ("ecto", "~> 3.12", false), ("postgrex", "~> 0.19 or ~> 1.0", true), ("telemetry", "~> 0.4.0 or ~> 1.0", false)]),
    ("expo", "1.1.0", ":mix", &[]),
    ("floki", "0.36.3", ":mix", &[]),
    ("gettext", "0.26.2", ":mix", &[("expo", "~> 0.5.1 or ~> 1.0", false)]),
    ("jason", "1.4.4", ":mix", &[("decimal", "~> 1.0 or ~> 2.0", true)]),
    ("mime", "2.0.6", ":mix", &[]),
    ("oban", "2.18.3", ":mix", &[("ecto_sql", "~> 3.10", false), ("jason", "~> 1.1", false), ("postgrex", "~> 0.16", true), ("telemetry", "~> 0.4 or ~> 1.0", false)]),
    ("phoenix", "1.7.14", ":mix", &[("castore", ">= 0.0.0", false), ("jason", "~> 1.0", true), ("phoenix_pubsub", "~> 2.1", false), ("phoenix_template", "~> 1.0", false), ("plug", "~> 1.14", false), ("plug_cowboy", "~> 2.7", true), ("plug_crypto", "~> 1.2 or ~> 2.0", false), ("telemetry", "~> 0.4 or ~> 1.0", false), ("websock_adapter", "~> 0.5.3", false)]),
    ("phoenix_ecto", "4.6.2", ":mix", &[("ecto", "~> 3.5", false), ("phoenix_html", "~> 2.14.2 or ~> 3.0 or ~> 4.1", true), ("plug", "~> 1.9", false)]),
    ("phoenix_html", "4.1.1", ":mix", &[]),
    ("phoenix_live_dashboard", "0.8.4", ":mix", &[("ecto", "~> 3.6.2 or ~> 3.7", true), ("mime", "~> 1.6 or ~> 2.0", false), ("phoenix_live_view", "~> 0.19 or ~> 1.0", false), ("telemetry_metrics", "~> 0.6 or ~> 1.0", false)]),
    ("phoenix_live_view", "1.0.1", ":mix", &[("jason", "~> 1.0", true), ("phoenix", "~> 1.6.15 or ~> 1.7.0", false), ("phoenix_html", "~> 3.3 or ~> 4.0 or ~> 4.1", false), ("phoenix_template", "~> 1.0", false), ("plug", "~> 1.15", false), ("telemetry", "~> 0.4.2 or ~> 1.0", false)]),
    ("phoenix_pubsub", "2.1.3", ":mix", &[]),
    ("phoenix_template", "1.0.4", ":mix", &[("phoenix_html", "~> 2.14.2 or ~> 3.0 or ~> 4.0", true)]),
    ("plug", "1.16.1", ":mix", &[("mime", "~> 1.0 or ~> 2.0", false), ("plug_crypto", "~> 1.1.1 or ~> 1.2 or ~> 2.0", false), ("telemetry", "~> 0.4.3 or ~> 1.0", false)]),
    ("plug_cowboy", "2.7.2", ":mix", &[("cowboy", "~> 2.7", false), ("cowboy_telemetry", "~> 0.3", false), ("plug", "~> 1.14", false)]),
    ("plug_crypto", "2.1.0", ":mix", &[]),
    ("postgrex", "0.19.3", ":mix", &[("db_connection", "~> 2.1", false), ("decimal", "~> 1.5 or ~> 2.0", false), ("jason", "~> 1.0", true)]),
    ("ranch", "1.8.0", ":make, :rebar3", &[]),
    ("telemetry", "1.3.0", ":rebar3", &[]),
    ("telemetry_metrics", "1.0.0", ":mix", &[("telemetry", "~> 0.4 or ~> 1.0", false)]),
    ("telemetry_poller", "1.1.0", ":rebar3", &[("telemetry", "~> 1.0", false)]),
    ("websock", "0.5.3", ":mix", &[]),
    ("websock_adapter", "0.5.7", ":mix", &[("plug", "~> 1.14", false), ("plug_cowboy", "~> 2.6", true), ("websock", "~> 0.5", false)]),
];

fn mix_lock(seed: u64) -> String {
    let mut rng = Rng::new(seed, "mix.lock", 0);
    let mut o = String::from("%{\n");
    for (name, version, tools, deps) in LOCK {
        let deps: Vec<String> = (deps.iter())
            .map(|(d, req, opt)| {
                format!("{{:{d}, \"{req}\", [hex: :{d}, repo: \"hexpm\", optional: {opt}]}}")
            })
            .collect();
        let (inner, outer, deps) = (rng.hex(64), rng.hex(64), deps.join(", "));
        o.push_str(&format!(
            "  \"{name}\": {{:hex, :{name}, \"{version}\", \"{inner}\", [{tools}], [{deps}], \"hexpm\", \"{outer}\"}},\n"
        ));
    }
    o.push_str("}\n");
    o
}

/// The files every project has: `FIXED_ELIXIR` Elixir files, then the others.
fn fixed(plan: &Plan) -> Vec<(&'static str, String)> {
    let mut rng = Rng::new(plan.seed, "fixed", 0);
    let deps: Vec<String> = DEPS
        .iter()
        .map(|(n, r, x)| format!("      {{:{n}, \"{r}\"{x}}}"))
        .collect();
    let servers: String = (plan.workers.iter().filter(|w| !w.oban))
        .map(|w| {
            format!(
                "      {{Shop.Workers.{0}, name: Shop.Workers.{0}}},\n",
                w.name
            )
        })
        .collect();
    let mut routes = String::new();
    for ctx in &plan.contexts {
        let routed = plan.schemas[ctx.schemas.clone()]
            .iter()
            .filter(|s| s.controller.is_some());
        let lines: String = routed
            .map(|s| {
                format!(
                    "      resources \"/{}\", {}Controller, except: [:new, :edit]\n",
                    s.plural, s.name
                )
            })
            .collect();
        // A qualified context's controllers sit in its own namespace.
        let first = &plan.schemas[ctx.schemas.start];
        let alias = match first.web_dir.is_empty() {
            true => String::new(),
            false => format!(", {}", ctx.name),
        };
        if !lines.is_empty() {
            let scope = format!("\n    scope \"/{}\"{alias} do\n{lines}    end\n", ctx.snake);
            routes.push_str(&scope);
        }
    }
    let mut contexts: Vec<String> = (plan.contexts.iter().take(12))
        .map(|c| {
            let names: Vec<&str> = plan.schemas[c.schemas.clone()]
                .iter()
                .map(|s| s.name.as_str())
                .collect();
            format!("- `Shop.{}`: {}\n", c.name, names.join(", "))
        })
        .collect();
    if plan.contexts.len() > 12 {
        contexts.push(format!("- and {} more\n", plan.contexts.len() - 12));
    }
    let vars = Vars::new()
        .set("version", VERSION)
        .set("deps", deps.join(",\n"))
        .set("servers", servers)
        .set("routes", routes)
        .set("contexts", contexts.concat())
        .set("salt", rng.hex(8))
        .set("dev_secret", rng.hex(64))
        .set("test_secret", rng.hex(64));
    let mut files: Vec<(&'static str, String)> = FIXED
        .iter()
        .map(|(path, tpl)| (*path, filled(tpl, &vars)))
        .collect();
    files.push(("mix.lock", mix_lock(plan.seed)));
    files
}

const VERSION: &str = "1.4.2";

const FIXED: &[(&str, &str)] = &[
    (
        "mix.exs",
        r##"defmodule Shop.MixProject do
  use Mix.Project

  def project do
    [
      app: :shop,
      version: "«version»",
      elixir: "~> 1.15",
      elixirc_paths: elixirc_paths(Mix.env()),
      start_permanent: Mix.env() == :prod,
      aliases: aliases(),
      deps: deps()
    ]
  end

  def application do
    [
      mod: {Shop.Application, []},
      extra_applications: [:logger, :runtime_tools]
    ]
  end

  defp elixirc_paths(:test), do: ["lib", "test/support"]
  defp elixirc_paths(_), do: ["lib"]

  defp deps do
    [
«deps»
    ]
  end

  defp aliases do
    [
      setup: ["deps.get", "ecto.setup"],
      "ecto.setup": ["ecto.create", "ecto.migrate", "run priv/repo/seeds.exs"],
      "ecto.reset": ["ecto.drop", "ecto.setup"],
      test: ["ecto.create --quiet", "ecto.migrate --quiet", "test"]
    ]
  end
end
"##,
    ),
    (
        ".formatter.exs",
        r##"[
  import_deps: [:ecto, :ecto_sql, :phoenix, :oban],
  subdirectories: ["priv/*/migrations"],
  inputs: ["*.{ex,exs}", "{config,lib,test}/**/*.{ex,exs}", "priv/*/seeds.exs"]
]
"##,
    ),
    (
        "config/config.exs",
        r##"import Config

config :shop,
  ecto_repos: [Shop.Repo],
  generators: [timestamp_type: :utc_datetime]

config :shop, ShopWeb.Endpoint,
  url: [host: "localhost"],
  adapter: Phoenix.Endpoint.Cowboy2Adapter,
  render_errors: [formats: [json: ShopWeb.ErrorJSON], layout: false],
  pubsub_server: Shop.PubSub,
  live_view: [signing_salt: "«salt»"]

config :shop, Oban,
  engine: Oban.Engines.Basic,
  queues: [default: 10, exports: 2, mailers: 5],
  repo: Shop.Repo

config :logger, :console,
  format: "$time $metadata[$level] $message\n",
  metadata: [:request_id]

config :phoenix, :json_library, Jason

import_config "#{config_env()}.exs"
"##,
    ),
    (
        "config/dev.exs",
        r##"import Config

config :shop, Shop.Repo,
  username: "postgres",
  password: "postgres",
  hostname: "localhost",
  database: "shop_dev",
  stacktrace: true,
  show_sensitive_data_on_connection_error: true,
  pool_size: 10

config :shop, ShopWeb.Endpoint,
  http: [ip: {127, 0, 0, 1}, port: 4000],
  check_origin: false,
  code_reloader: true,
  debug_errors: true,
  secret_key_base: "«dev_secret»"

config :shop, dev_routes: true

config :logger, :console, format: "[$level] $message\n"

config :phoenix, :stacktrace_depth, 20
config :phoenix, :plug_init_mode, :runtime
"##,
    ),
    (
        "config/test.exs",
        r##"import Config

config :shop, Shop.Repo,
  username: "postgres",
  password: "postgres",
  hostname: "localhost",
  database: "shop_test#{System.get_env("MIX_TEST_PARTITION")}",
  pool: Ecto.Adapters.SQL.Sandbox,
  pool_size: System.schedulers_online() * 2

config :shop, ShopWeb.Endpoint,
  http: [ip: {127, 0, 0, 1}, port: 4002],
  secret_key_base: "«test_secret»",
  server: false

config :shop, Oban, testing: :manual

config :logger, level: :warning
config :phoenix, :plug_init_mode, :runtime
"##,
    ),
    (
        "config/prod.exs",
        r##"import Config

config :shop, ShopWeb.Endpoint,
  force_ssl: [rewrite_on: [:x_forwarded_proto], hsts: true],
  cache_static_manifest: "priv/static/cache_manifest.json"

config :logger, level: :info
"##,
    ),
    (
        "config/runtime.exs",
        r##"import Config

if System.get_env("PHX_SERVER") do
  config :shop, ShopWeb.Endpoint, server: true
end

if config_env() == :prod do
  database_url = System.fetch_env!("DATABASE_URL")
  maybe_ipv6 = if System.get_env("ECTO_IPV6") in ~w(true 1), do: [:inet6], else: []

  config :shop, Shop.Repo,
    url: database_url,
    pool_size: String.to_integer(System.get_env("POOL_SIZE") || "10"),
    socket_options: maybe_ipv6

  host = System.get_env("PHX_HOST") || "shop.example.com"
  port = String.to_integer(System.get_env("PORT") || "4000")

  config :shop, ShopWeb.Endpoint,
    url: [host: host, port: 443, scheme: "https"],
    http: [ip: {0, 0, 0, 0, 0, 0, 0, 0}, port: port],
    secret_key_base: System.fetch_env!("SECRET_KEY_BASE")
end
"##,
    ),
    (
        "lib/shop.ex",
        r##"defmodule Shop do
  @moduledoc """
  The shop's domain: its contexts own the data and the rules, and the web layer
  (`ShopWeb`) only translates HTTP into calls to them.
  """
end
"##,
    ),
    (
        "lib/shop/application.ex",
        r##"defmodule Shop.Application do
  @moduledoc false
  use Application

  @impl true
  def start(_type, _args) do
    children = [
      ShopWeb.Telemetry,
      Shop.Repo,
      {Phoenix.PubSub, name: Shop.PubSub},
      {Oban, Application.fetch_env!(:shop, Oban)},
«servers»      ShopWeb.Endpoint
    ]

    Supervisor.start_link(children, strategy: :one_for_one, name: Shop.Supervisor)
  end

  @impl true
  def config_change(changed, _new, removed) do
    ShopWeb.Endpoint.config_change(changed, removed)
    :ok
  end
end
"##,
    ),
    (
        "lib/shop/repo.ex",
        r##"defmodule Shop.Repo do
  use Ecto.Repo,
    otp_app: :shop,
    adapter: Ecto.Adapters.Postgres
end
"##,
    ),
    (
        "lib/shop/release.ex",
        r##"defmodule Shop.Release do
  @moduledoc """
  Migration tasks for a release, where Mix is not available:
  `bin/shop eval "Shop.Release.migrate()"`.
  """
  @app :shop

  @doc """
  Runs every pending migration of every repo.
  """
  @spec migrate() :: :ok
  def migrate do
    load_app()

    for repo <- repos() do
      {:ok, _, _} = Ecto.Migrator.with_repo(repo, &Ecto.Migrator.run(&1, :up, all: true))
    end

    :ok
  end

  @doc """
  Rolls `repo` back to `version`.
  """
  @spec rollback(module(), integer()) :: :ok
  def rollback(repo, version) do
    load_app()
    {:ok, _, _} = Ecto.Migrator.with_repo(repo, &Ecto.Migrator.run(&1, :down, to: version))
    :ok
  end

  defp repos, do: Application.fetch_env!(@app, :ecto_repos)

  defp load_app, do: Application.ensure_loaded(@app)
end
"##,
    ),
    (
        "lib/shop_web.ex",
        r##"defmodule ShopWeb do
  @moduledoc """
  The entry point for defining the web interface: `use ShopWeb, :controller` and
  `use ShopWeb, :router` pull in what each kind of module needs.
  """

  def static_paths, do: ~w(assets fonts images favicon.ico robots.txt)

  def router do
    quote do
      use Phoenix.Router, helpers: false

      import Plug.Conn
      import Phoenix.Controller
      import Phoenix.LiveView.Router
    end
  end

  def controller do
    quote do
      use Phoenix.Controller, formats: [:html, :json]

      use Gettext, backend: ShopWeb.Gettext
      import Plug.Conn

      unquote(verified_routes())
    end
  end

  def verified_routes do
    quote do
      use Phoenix.VerifiedRoutes,
        endpoint: ShopWeb.Endpoint,
        router: ShopWeb.Router,
        statics: ShopWeb.static_paths()
    end
  end

  defmacro __using__(which) when is_atom(which) do
    apply(__MODULE__, which, [])
  end
end
"##,
    ),
    (
        "lib/shop_web/endpoint.ex",
        r##"defmodule ShopWeb.Endpoint do
  use Phoenix.Endpoint, otp_app: :shop

  @session_options [
    store: :cookie,
    key: "_shop_key",
    signing_salt: "Zk3Rw9pQ",
    same_site: "Lax"
  ]

  socket "/live", Phoenix.LiveView.Socket,
    websocket: [connect_info: [session: @session_options]],
    longpoll: [connect_info: [session: @session_options]]

  plug Plug.Static, at: "/", from: :shop, gzip: false, only: ShopWeb.static_paths()

  if code_reloading? do
    plug Phoenix.CodeReloader
    plug Phoenix.Ecto.CheckRepoStatus, otp_app: :shop
  end

  plug Phoenix.LiveDashboard.RequestLogger, param_key: "request_logger", cookie_key: "request_logger"
  plug Plug.RequestId
  plug Plug.Telemetry, event_prefix: [:phoenix, :endpoint]

  plug Plug.Parsers,
    parsers: [:urlencoded, :multipart, :json],
    pass: ["*/*"],
    json_decoder: Phoenix.json_library()

  plug Plug.MethodOverride
  plug Plug.Head
  plug Plug.Session, @session_options
  plug ShopWeb.Router
end
"##,
    ),
    (
        "lib/shop_web/router.ex",
        r##"defmodule ShopWeb.Router do
  use ShopWeb, :router

  pipeline :browser do
    plug :accepts, ["html"]
    plug :fetch_session
    plug :fetch_live_flash
    plug :protect_from_forgery
    plug :put_secure_browser_headers, %{"content-security-policy" => "default-src 'self'"}
  end

  pipeline :api do
    plug :accepts, ["json"]
  end

  scope "/", ShopWeb do
    get "/health", HealthController, :show
  end

  scope "/api", ShopWeb do
    pipe_through :api
«routes»  end

  if Application.compile_env(:shop, :dev_routes) do
    import Phoenix.LiveDashboard.Router

    scope "/dev" do
      pipe_through :browser

      live_dashboard "/dashboard", metrics: ShopWeb.Telemetry
    end
  end
end
"##,
    ),
    (
        "lib/shop_web/telemetry.ex",
        r##"defmodule ShopWeb.Telemetry do
  use Supervisor
  import Telemetry.Metrics

  def start_link(arg) do
    Supervisor.start_link(__MODULE__, arg, name: __MODULE__)
  end

  @impl true
  def init(_arg) do
    children = [
      {:telemetry_poller, measurements: periodic_measurements(), period: 10_000}
    ]

    Supervisor.init(children, strategy: :one_for_one)
  end

  def metrics do
    [
      summary("phoenix.endpoint.stop.duration", unit: {:native, :millisecond}),
      summary("phoenix.router_dispatch.stop.duration", tags: [:route], unit: {:native, :millisecond}),
      summary("shop.repo.query.total_time", unit: {:native, :millisecond}),
      summary("shop.repo.query.queue_time", unit: {:native, :millisecond}),
      counter("oban.job.stop.duration", tags: [:worker, :queue]),
      counter("oban.job.exception.duration", tags: [:worker, :queue]),
      last_value("vm.memory.total", unit: {:byte, :kilobyte}),
      summary("vm.total_run_queue_lengths.total")
    ]
  end

  defp periodic_measurements, do: []
end
"##,
    ),
    (
        "lib/shop_web/gettext.ex",
        r##"defmodule ShopWeb.Gettext do
  use Gettext.Backend, otp_app: :shop
end
"##,
    ),
    (
        "lib/shop_web/controllers/fallback_controller.ex",
        r##"defmodule ShopWeb.FallbackController do
  use ShopWeb, :controller

  def call(conn, {:error, %Ecto.Changeset{} = changeset}) do
    conn
    |> put_status(:unprocessable_entity)
    |> put_view(json: ShopWeb.ChangesetJSON)
    |> render(:error, changeset: changeset)
  end

  def call(conn, {:error, reason}) when reason in [:not_found, :forbidden] do
    conn
    |> put_status(reason)
    |> put_view(json: ShopWeb.ErrorJSON)
    |> render(reason)
  end
end
"##,
    ),
    (
        "lib/shop_web/controllers/changeset_json.ex",
        r##"defmodule ShopWeb.ChangesetJSON do
  @doc """
  Renders the errors of a changeset.
  """
  def error(%{changeset: changeset}) do
    %{errors: Ecto.Changeset.traverse_errors(changeset, &translate_error/1)}
  end

  defp translate_error({msg, opts}) do
    Regex.replace(~r"%{(\w+)}", msg, fn _, key ->
      opts |> Keyword.get(String.to_existing_atom(key), key) |> to_string()
    end)
  end
end
"##,
    ),
    (
        "lib/shop_web/controllers/error_json.ex",
        r##"defmodule ShopWeb.ErrorJSON do
  @doc """
  Renders `{"errors": {"detail": "Not Found"}}` and the like for any status.
  """
  def render(template, _assigns) do
    %{errors: %{detail: Phoenix.Controller.status_message_from_template(template)}}
  end
end
"##,
    ),
    (
        "lib/shop_web/controllers/health_controller.ex",
        r##"defmodule ShopWeb.HealthController do
  use ShopWeb, :controller

  def show(conn, _params) do
    case Ecto.Adapters.SQL.query(Shop.Repo, "SELECT 1", []) do
      {:ok, _} -> json(conn, %{status: "ok"})
      {:error, _} -> conn |> put_status(:service_unavailable) |> json(%{status: "degraded"})
    end
  end
end
"##,
    ),
    (
        "test/test_helper.exs",
        "ExUnit.start()\nEcto.Adapters.SQL.Sandbox.mode(Shop.Repo, :manual)\n",
    ),
    (
        "test/support/data_case.ex",
        r##"defmodule Shop.DataCase do
  @moduledoc """
  The case for tests that touch the database: each runs inside a sandboxed transaction
  that is rolled back at the end.
  """
  use ExUnit.CaseTemplate

  using do
    quote do
      alias Shop.Fixtures
      alias Shop.Repo

      import Ecto
      import Ecto.Changeset
      import Ecto.Query
      import Shop.DataCase
    end
  end

  setup tags do
    Shop.DataCase.setup_sandbox(tags)
    :ok
  end

  def setup_sandbox(tags) do
    pid = Ecto.Adapters.SQL.Sandbox.start_owner!(Shop.Repo, shared: not tags[:async])
    on_exit(fn -> Ecto.Adapters.SQL.Sandbox.stop_owner(pid) end)
  end

  def errors_on(changeset) do
    Ecto.Changeset.traverse_errors(changeset, fn {message, opts} ->
      Regex.replace(~r"%{(\w+)}", message, fn _, key ->
        opts |> Keyword.get(String.to_existing_atom(key), key) |> to_string()
      end)
    end)
  end
end
"##,
    ),
    (
        "test/support/conn_case.ex",
        r##"defmodule ShopWeb.ConnCase do
  @moduledoc """
  The case for controller tests: a fresh `conn` per test, on the sandboxed database.
  """
  use ExUnit.CaseTemplate

  using do
    quote do
      @endpoint ShopWeb.Endpoint

      use ShopWeb, :verified_routes

      import Plug.Conn
      import Phoenix.ConnTest
      import ShopWeb.ConnCase
    end
  end

  setup tags do
    Shop.DataCase.setup_sandbox(tags)
    {:ok, conn: Phoenix.ConnTest.build_conn()}
  end
end
"##,
    ),
    (
        "test/support/fixtures.ex",
        r##"defmodule Shop.Fixtures do
  @moduledoc """
  Values that must differ between the records of one test run.
  """

  def unique_integer, do: System.unique_integer([:positive])

  def unique_email, do: "user#{unique_integer()}@example.com"

  def unique_string(prefix), do: "#{prefix}-#{unique_integer()}"
end
"##,
    ),
    (
        "test/shop_web/controllers/health_controller_test.exs",
        r##"defmodule ShopWeb.HealthControllerTest do
  use ShopWeb.ConnCase, async: true

  test "reports ok while the database answers", %{conn: conn} do
    assert %{"status" => "ok"} = conn |> get(~p"/health") |> json_response(200)
  end
end
"##,
    ),
    (
        "README.md",
        r##"# Shop

The storefront and back office of the shop: a JSON API over PostgreSQL, with background
jobs on Oban.

## Running it

```sh
mix setup          # dependencies, database, seeds
mix phx.server     # http://localhost:4000
mix test
```

Production reads `DATABASE_URL`, `SECRET_KEY_BASE`, `PHX_HOST` and `PORT` at boot
(`config/runtime.exs`); migrations run with `bin/shop eval "Shop.Release.migrate()"`.

## Layout

Each context under `lib/shop/` owns its schemas and is the only code that talks to the
repo; controllers under `lib/shop_web/controllers/` call contexts and nothing else.

«contexts»"##,
    ),
    (
        "CHANGELOG.md",
        r##"# Changelog

## «version» - 2025-02-11

- Paginate every list endpoint (`limit`, `offset`).
- Oban workers cancel jobs whose record is gone instead of retrying.

## 1.4.1 - 2025-01-20

- The health endpoint reports the database state.
"##,
    ),
    (
        ".gitignore",
        "/_build/\n/cover/\n/deps/\n/doc/\nerl_crash.dump\n*.ez\nshop-*.tar\n/tmp/\n",
    ),
    (
        ".github/workflows/ci.yml",
        r##"name: CI
on:
  push:
    branches: [main]
  pull_request:

jobs:
  test:
    runs-on: ubuntu-latest
    services:
      postgres:
        image: postgres:16
        env:
          POSTGRES_PASSWORD: ${{ secrets.CI_DB_PASSWORD }}
        ports: ["5432:5432"]
    steps:
      - uses: actions/checkout@v4
      - uses: erlef/setup-beam@v1
        with:
          otp-version: "27"
          elixir-version: "1.17"
      - run: mix deps.get
      - run: mix format --check-formatted
      - run: mix test
"##,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn in_memory(spec: Spec) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        render(spec, &mut |p, t| {
            assert!(
                out.insert(p.to_string(), t.to_string()).is_none(),
                "{p} written twice"
            );
            Ok(())
        })
        .unwrap();
        out
    }

    fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        let mut out = BTreeMap::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(d).unwrap() {
                let path = e.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    let rel = path
                        .strip_prefix(dir)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned();
                    out.insert(rel, std::fs::read(&path).unwrap());
                }
            }
        }
        out
    }

    #[test]
    fn the_same_spec_writes_the_same_bytes() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let sa = generate(&a.path().join("shop"), 300).unwrap();
        let sb = generate(&b.path().join("shop"), 300).unwrap();
        assert_eq!(sa, sb);
        assert_eq!(
            read_tree(&a.path().join("shop")),
            read_tree(&b.path().join("shop"))
        );
        assert!(
            generate(&a.path().join("shop"), 300).is_err(),
            "refuses a non-empty dir"
        );
        let reseeded = in_memory(Spec {
            files: 300,
            seed: 7,
        });
        assert_ne!(in_memory(Spec::new(300)), reseeded, "the seed matters");
    }

    #[test]
    fn writes_exactly_the_number_of_elixir_files_asked_for() {
        for n in [1, 30, 31, 37, 57, 200, 1000, 4321] {
            let files = in_memory(Spec::new(n));
            let elixir = files.keys().filter(|p| is_elixir(p)).count();
            assert_eq!(elixir, n.max(MIN_FILES), "n = {n}");
        }
        let dir = tempfile::tempdir().unwrap();
        let summary = generate(&dir.path().join("p"), 200).unwrap();
        assert_eq!(summary.elixir_files, 200);
        assert_eq!(summary.other_files, 5);
    }

    #[test]
    fn module_names_and_paths_never_collide() {
        let plan = plan(Spec::new(50_000));
        let mut modules = BTreeSet::new();
        for c in &plan.contexts {
            assert!(modules.insert(format!("Shop.{}", c.name)));
        }
        for s in &plan.schemas {
            assert!(modules.insert(format!("Shop.{}.{}", plan.contexts[s.ctx].name, s.name)));
            assert!(modules.insert(format!("table {}", s.table)), "{}", s.table);
            assert!(
                modules.insert(format!("{}.{}Controller", s.web, s.name)),
                "{}",
                s.name
            );
        }
        for w in &plan.workers {
            assert!(modules.insert(format!("Shop.Workers.{}", w.name)));
        }
        for p in &plan.plugs {
            assert!(modules.insert(format!("ShopWeb.Plugs.{p}")));
        }
        for m in &plan.migrations {
            assert!(modules.insert(m.module.clone()), "{}", m.module);
        }
        let stamps: Vec<&str> = plan.migrations.iter().map(|m| &m.file[..14]).collect();
        assert!(stamps.windows(2).all(|w| w[0] < w[1]) && stamps.iter().all(|s| s.len() == 14));
        assert_eq!(timestamp(1_647_248_400), "20220314090000");
        assert_eq!(timestamp(951_782_400), "20000229000000");
    }

    #[test]
    fn every_elixir_file_parses() {
        for n in [30, 1000] {
            for (path, text) in in_memory(Spec::new(n)).iter().filter(|(p, _)| is_elixir(p)) {
                let tree = crate::syntax::parse::parse(text).expect("parses within budget");
                assert!(
                    !tree.root_node().has_error(),
                    "{path} has a syntax error:\n{text}"
                );
            }
        }
    }

    #[test]
    fn sizes_look_like_a_phoenix_app() {
        let files = in_memory(Spec::new(2000));
        let mut sizes: Vec<usize> = files
            .iter()
            .filter(|(p, _)| is_elixir(p))
            .map(|(_, t)| t.len())
            .collect();
        sizes.sort_unstable();
        let (median, max) = (sizes[sizes.len() / 2], sizes[sizes.len() - 1]);
        let mean = sizes.iter().sum::<usize>() / sizes.len();
        assert!((1500..=4500).contains(&median), "median {median}");
        assert!((2000..=5000).contains(&mean), "mean {mean}");
        assert!((10_000..=40_000).contains(&max), "max {max}");
    }

    /// Writes a project for a look or a manual benchmark and prints the time it took:
    /// `SYNTH_DIR=/tmp/shop SYNTH_FILES=2000 cargo test --release --lib write_a_project -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn write_a_project() {
        let dir = std::env::var("SYNTH_DIR").expect("SYNTH_DIR");
        let files = std::env::var("SYNTH_FILES").map_or(2000, |n| n.parse().expect("a number"));
        let started = std::time::Instant::now();
        let summary = generate(Path::new(&dir), files).unwrap();
        let elapsed = started.elapsed();
        let per_file = summary.bytes / (summary.elixir_files + summary.other_files) as u64;
        println!("{summary:?} in {elapsed:?}, {per_file} bytes per file");
        let started = std::time::Instant::now();
        let mut bytes = 0;
        render(Spec::new(files), &mut |_, t| {
            bytes += t.len();
            Ok(())
        })
        .unwrap();
        println!(
            "rendering alone (no disk): {:?} for {bytes} bytes",
            started.elapsed()
        );
    }

    #[test]
    fn doctrine_finds_a_few_planted_problems_in_mostly_clean_code() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("shop");
        generate(&dir, 200).unwrap();
        let opts = crate::run::ScanOptions {
            paths: vec![dir.clone()],
            ..Default::default()
        };
        let scan = crate::run::scan(&opts, &dir, crate::registry::Registry::builtin()).unwrap();
        let report = &scan.report;
        // Not a git repository: that note is the only diagnostic allowed (no syntax errors).
        let kinds: Vec<_> = report.diagnostics.iter().map(|d| d.kind).collect();
        assert!(
            kinds
                .iter()
                .all(|k| *k == crate::finding::DiagnosticKind::Git),
            "{kinds:?}"
        );
        assert!(scan.whole_project && !scan.lost_findings());
        let pillars: BTreeSet<&str> = report
            .findings
            .iter()
            .map(|f| f.rule.trim_end_matches(|c: char| c.is_ascii_digit()))
            .collect();
        assert!(pillars.len() >= 5, "{pillars:?}");
        let lines: usize = read_tree(&dir)
            .iter()
            .filter(|(p, _)| is_elixir(p))
            .map(|(_, b)| b.iter().filter(|&&c| c == b'\n').count())
            .sum();
        let blocking = report
            .findings
            .iter()
            .filter(|f| f.enforcement == crate::finding::Enforcement::Blocking)
            .count();
        assert!(
            blocking > 0 && blocking * 1000 < lines * 3,
            "{blocking} blocking findings in {lines} lines"
        );
    }
}
