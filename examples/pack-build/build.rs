//! Compiles `arena/config.arena.yaml` into `$OUT_DIR/app.pack.json`; cargo reruns this
//! script only when one of the files the compiler read changes.

fn main() {
    if let Err(err) = promptkit_build::Builder::new("arena/config.arena.yaml")
        .id("order-support")
        .pack("app.pack.json")
        .run()
    {
        err.exit();
    }
}
