//! `tidings users`: accounts from the command line (the first admin is made
//! here; the operator at the console is trusted).

use std::io::BufRead;
use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;
use tidings_app::App;
use tidings_core::Role;

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Create an account. The password is read from --password-file, or
    /// else from the first line of standard input.
    Create {
        #[arg(value_name = "NAME")]
        name: String,
        /// Make it an admin (all moderation, roles, site settings).
        #[arg(long, conflicts_with = "moderator")]
        admin: bool,
        /// Make it a moderator (reports, hiding comments, bans).
        #[arg(long)]
        moderator: bool,
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
    },
    /// Give an account a role: reader, moderator or admin.
    SetRole {
        #[arg(value_name = "NAME")]
        name: String,
        #[arg(value_name = "ROLE")]
        role: Role,
    },
}

pub async fn run(app: &App, command: UsersCommand) -> anyhow::Result<()> {
    match command {
        UsersCommand::Create {
            name,
            admin,
            moderator,
            password_file,
        } => {
            let password = match password_file {
                Some(path) => std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read {}", path.display()))?,
                None => {
                    let mut line = String::new();
                    std::io::stdin()
                        .lock()
                        .read_line(&mut line)
                        .context("cannot read the password from standard input")?;
                    line
                }
            };
            let password = password.trim_end_matches(['\r', '\n']);
            let role = if admin {
                Role::Admin
            } else if moderator {
                Role::Moderator
            } else {
                Role::Reader
            };
            let user = app.create_user(&name, password, role).await?;
            println!("created {} ({}), id {}", user.name, user.role, user.id);
        }
        UsersCommand::SetRole { name, role } => {
            app.set_role_by_operator(&name, role).await?;
            println!("{name} is now {role}");
        }
    }
    Ok(())
}
