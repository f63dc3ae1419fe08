//! The directory: organisations, Länder, Themenfelder.

use vernetzt_core::model::{Land, Organization, OrganizationInput, Themenfeld};
use vernetzt_core::roles::{HoldersQuery, Role, RoleChange};

store_commands! {
    /// The whole directory (about 450 entries): the picker filters it in the UI.
    fn orgs_list() -> Vec<Organization> = |s| s.list_orgs(None, None);

    /// A user's own organisation, created from the picker.
    fn org_create(input: OrganizationInput) -> Organization = |s| s.create_org(&input);

    /// The 16 Länder, for the new-organisation form.
    fn lands_list() -> Vec<Land> = |s| s.lands();

    /// The 14 OZG Themenfelder, for the contact form.
    fn themenfelder_list() -> Vec<Themenfeld> = |s| s.themenfelder();

    /// A contact's roles, current first (the "Stellen" section of the detail view).
    fn roles_list(contact_id: i64) -> Vec<Role> = |s| s.roles(contact_id);

    /// A correction or a change of post, as the user answered "Korrektur oder Wechsel der
    /// Stelle?"; returns the contact's roles after it.
    fn role_change(contact_id: i64, change: RoleChange) -> Vec<Role> =
        |s| s.change_role(contact_id, &change);

    /// Who holds (or held, with `at`) a post, current holders first.
    fn role_holders(query: HoldersQuery) -> Vec<Role> = |s| s.role_holders(&query);
}
