//! Process hardening at startup: no core dumps, no memory reads by other processes.
//!
//! A core dump is a copy of the process's memory written to disk: the key file's bytes,
//! a decrypted keystore key, the keystore password. On a signing host that copy lands
//! where the zeroize-on-drop discipline cannot reach it (`/var/crash`, systemd-coredump's
//! journal, a crash reporter that uploads), and it outlives the process. So the CLI turns
//! dumps off before it reads any key:
//!
//! - `RLIMIT_CORE` = 0, soft and hard (nothing later in the process can raise it again):
//!   the kernel writes no `core` file.
//! - On Linux, `prctl(PR_SET_DUMPABLE, 0)` as well: it also stops dumps piped to a
//!   handler through `core_pattern` (which does not obey the rlimit the same way), and it
//!   keeps other processes of the same user from attaching with ptrace or reading
//!   `/proc/<pid>/mem`.
//!
//! Where the OS does not offer one of these, or refuses it, airsign goes on without it:
//! hardening is a second line of defence, and refusing to sign would not make the host
//! safer. [`disable_core_dumps`] reports what took effect.

/// What [`disable_core_dumps`] managed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Hardening {
    /// `RLIMIT_CORE` is now 0 (soft and hard).
    pub core_limit_zero: bool,
    /// The process is marked not dumpable (Linux `PR_SET_DUMPABLE` = 0).
    pub not_dumpable: bool,
}

/// Turns core dumps off for this process, as far as the OS allows (see the module docs).
pub fn disable_core_dumps() -> Hardening {
    Hardening {
        core_limit_zero: core_limit_zero(),
        not_dumpable: not_dumpable(),
    }
}

#[cfg(all(unix, not(any(target_os = "wasi", target_os = "redox"))))]
fn core_limit_zero() -> bool {
    use rustix::process::{Resource, Rlimit, setrlimit};
    let zero = Rlimit {
        current: Some(0),
        maximum: Some(0),
    };
    setrlimit(Resource::Core, zero).is_ok()
}

#[cfg(not(all(unix, not(any(target_os = "wasi", target_os = "redox")))))]
fn core_limit_zero() -> bool {
    false
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn not_dumpable() -> bool {
    use rustix::process::{DumpableBehavior, set_dumpable_behavior};
    set_dumpable_behavior(DumpableBehavior::NotDumpable).is_ok()
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn not_dumpable() -> bool {
    false
}
