import Drivers

/// `meterd config check` for the relay: the service user can open every GPIO chip it names.
enum RelayDeviceCheck {
    static func run(_ relay: RelayConfiguration, user: String, source: TOMLSource) -> (problems: [ConfigurationProblem], notes: [String]) {
        var problems: [ConfigurationProblem] = []
        var notes: [String] = []
        let lines: [([String], GPIOLineAddress)] = [(["relay"], relay.line)]
            + (relay.feedback.map { [(["relay", "feedback"], $0.line)] } ?? [])
            + (relay.button.map { [(["relay", "button"], $0)] } ?? [])
        for (path, address) in lines {
            guard let device = devicePath(address.chip) else {
                notes.append("\(address): a chip named by its label is found at start; `gpiodetect` shows whether it exists")
                continue
            }
            let key = (path + ["chip"]).joined(separator: ".")
            let line = source.locator.line(of: path + ["chip"]) ?? source.locator.line(of: path)
            switch DeviceAccess.check(path: device, user: user) {
            case .accessible:
                break
            case .missing:
                problems.append(ConfigurationProblem(file: source.path, line: line, key: key, message: "\(device) does not exist",
                                                     fix: "`gpiodetect` lists the GPIO chips present; on a Pi the header's chip is gpiochip0"))
            case .denied(let fix):
                problems.append(ConfigurationProblem(file: source.path, line: line, key: key, message: "\(device) cannot be opened by user '\(user)'", fix: fix))
            case .unknownUser(let currentUserCanOpen):
                notes.append("user '\(user)' does not exist here; \(device) checked for the current user: " + (currentUserCanOpen ? "it can open it" : "it cannot open it"))
            }
        }
        return (problems, notes)
    }

    /// The device node of a chip named by path, name or number; nil for a label.
    static func devicePath(_ chip: String) -> String? {
        if chip.hasPrefix("/") { return chip }
        if chip.hasPrefix("gpiochip"), Int(chip.dropFirst(8)) != nil { return "/dev/" + chip }
        if Int(chip) != nil { return "/dev/gpiochip" + chip }
        return nil
    }
}
