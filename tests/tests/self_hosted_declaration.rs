//! The self-hosted MCP server declaration (`azfn_spec::profile`) is in a binary exactly when the
//! app mounts a server: `slow-handler` links azfn with `mcp-server` on (this crate's
//! dev-dependency turns it on, for the whole test build) but never calls `App::mcp_server`, so
//! `cargo azfn build` must not give it the `mcp-custom-handler` profile.

#[test]
fn an_app_that_does_not_mount_a_server_carries_no_declaration() {
    // Compiles only with the feature on: the binary below is built against this same azfn.
    let _ = azfn::mcp_server::stateless_config;
    let bytes = std::fs::read(env!("CARGO_BIN_EXE_slow-handler")).unwrap();
    assert!(!azfn_spec::record::scan_records(&bytes).unwrap().is_empty());
    assert_eq!(azfn_spec::profile::scan_declaration(&bytes).unwrap(), None);
}
