/// A failure at run time (not a usage mistake): ArgumentParser prints its description alone.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
