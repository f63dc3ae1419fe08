//! `vernetzt roles …`: a contact's posts over time, changes of post, and who holds a post now or
//! at a date (issue 17).

use crate::Failure;
use crate::contacts::resolve_org;
use crate::output::{Outcome, Output};
use clap::Subcommand;
use vernetzt_core::Store;
use vernetzt_core::model::Level;
use vernetzt_core::roles::{HoldersQuery, Role, RoleChange};

/// `vernetzt roles …`.
#[derive(Subcommand)]
pub enum RolesCmd {
    /// A contact's roles: the current one first, then the earlier ones.
    List {
        /// The contact.
        contact: i64,
    },
    /// A change of post (the old role is closed at --from, today by default), or with
    /// --correction a correction of the current role.
    Change {
        /// The contact.
        contact: i64,
        /// The organisation (name or abbreviation from the directory).
        #[arg(long)]
        org: Option<String>,
        /// The function ("OZG-Koordinatorin").
        #[arg(long)]
        role: String,
        /// Themenfeld (key or German name).
        #[arg(long)]
        themenfeld: Option<String>,
        /// Date of the change: YYYY, YYYY-MM, MM/YYYY or YYYY-MM-DD.
        #[arg(long)]
        from: Option<String>,
        /// The current role was wrong: rewrite it, keep no history.
        #[arg(long)]
        correction: bool,
    },
    /// Who holds a post now (current holders first, then earlier ones), or at --at.
    Holders(Filter),
    /// Record a post with nobody in it (--role, --org), or with --list the vacant posts.
    Vacant {
        /// The organisation.
        #[arg(long)]
        org: Option<String>,
        /// Themenfeld (key or German name).
        #[arg(long)]
        themenfeld: Option<String>,
        /// Vacant since.
        #[arg(long)]
        from: Option<String>,
        /// List the vacant posts instead (with the filters of `holders`).
        #[arg(long)]
        list: bool,
        #[command(flatten)]
        filter: Filter,
    },
}

/// The filters of `roles holders`.
#[derive(clap::Args)]
pub struct Filter {
    /// Text in the function; empty for any.
    #[arg(long = "role", id = "filter_role", default_value = "")]
    function: String,
    /// Land (key, code or name).
    #[arg(long)]
    land: Option<String>,
    /// Level of the organisation: bund, land, kommune, other.
    #[arg(long)]
    level: Option<String>,
    /// Themenfeld key.
    #[arg(long = "in-themenfeld")]
    in_themenfeld: Option<String>,
    /// Organisation (name or abbreviation).
    #[arg(long = "at-org")]
    at_org: Option<String>,
    /// Only roles held at this date (any precision).
    #[arg(long)]
    at: Option<String>,
}

fn query(store: &mut Store, f: Filter, vacant_only: bool) -> Result<HoldersQuery, Failure> {
    let level = match f.level.as_deref() {
        None => None,
        Some(l) => {
            Some(Level::parse(l).ok_or_else(|| Failure::Usage(format!("'{l}' is not a level")))?)
        }
    };
    let organization_id = f
        .at_org
        .as_deref()
        .map(|o| resolve_org(store, o))
        .transpose()?;
    Ok(HoldersQuery {
        function: f.function,
        level,
        land: f.land,
        themenfeld: f.in_themenfeld,
        organization_id,
        at: f.at,
        vacant_only,
    })
}

fn line(r: &Role) -> String {
    let span = match (&r.from, &r.to) {
        (None, None) => String::new(),
        (Some(f), None) => format!("  seit {f}"),
        (f, Some(t)) => format!("  {}–{t}", f.as_deref().unwrap_or("?")),
    };
    let who = match (&r.contact_name, r.vacant) {
        (_, true) => "(unbesetzt)".to_string(),
        (Some(n), _) => n.clone(),
        (None, _) => String::new(),
    };
    let org = r.organization.as_deref().unwrap_or("");
    format!("#{}  {who}  {}, {org}{span}", r.id, r.function)
}

/// Runs `vernetzt roles …`.
pub fn run(store: &mut Store, cmd: RolesCmd) -> Outcome {
    Ok(match cmd {
        RolesCmd::List { contact } => Output::list(&store.roles(contact)?, line),
        RolesCmd::Change {
            contact,
            org,
            role,
            themenfeld,
            from,
            correction,
        } => {
            let organization_id = org.as_deref().map(|o| resolve_org(store, o)).transpose()?;
            let change = RoleChange {
                function: role,
                organization_id,
                themenfeld,
                from,
                correction,
            };
            Output::list(&store.change_role(contact, &change)?, line)
        }
        RolesCmd::Holders(f) => {
            let q = query(store, f, false)?;
            Output::list(&store.role_holders(&q)?, line)
        }
        RolesCmd::Vacant {
            org,
            themenfeld,
            from,
            list,
            filter,
        } => {
            if list {
                let q = query(store, filter, true)?;
                return Ok(Output::list(&store.role_holders(&q)?, line));
            }
            let function = filter.function;
            if function.trim().is_empty() {
                return Err(Failure::Usage("a vacant post needs --role".into()));
            }
            let organization_id = org.as_deref().map(|o| resolve_org(store, o)).transpose()?;
            let post = store.add_vacant_role(&RoleChange {
                function,
                organization_id,
                themenfeld,
                from,
                correction: false,
            })?;
            Output::line(&post, line(&post))
        }
    })
}
