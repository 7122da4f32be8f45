/// The engine's answer to one turn (the service maps it onto `ConverseResponse`).
public struct DialogueReply: Sendable, Equatable {
    /// What the engine does next.
    public enum Action: String, Sendable, Equatable {
        case answer, askSlot = "ask_slot", handOff = "hand_off", close
    }

    /// Why a conversation goes to a human.
    public enum HandoffReason: String, Sendable, Equatable {
        case userRequest = "user_request", highRiskIntent = "high_risk_intent"
        case repeatedMisunderstanding = "repeated_misunderstanding", negativeSentiment = "negative_sentiment"
    }

    /// How urgently an agent should pick a ticket up.
    public enum Priority: Int, Sendable, Equatable, Comparable {
        case low = 1, normal, high, urgent
        public static func < (a: Priority, b: Priority) -> Bool { a.rawValue < b.rawValue }
    }

    /// A hand-off ticket.
    public struct Handoff: Sendable, Equatable {
        public var reason: HandoffReason
        /// Intent, slots, product and last user messages; at most 2,000 characters.
        public var summary: String
        public var priority: Priority
    }

    /// A catalogue item the reply mentions.
    public struct Suggestion: Sendable, Equatable {
        public var itemID: String
        public var title: String
        public var price: Double
        public var reason: String
    }

    public var text: String
    public var language: DialogueLanguage
    /// The intent of this turn (a continued intent when the turn only supplied slots).
    public var intent: String
    public var action: Action
    /// `askSlot` only: the first slot asked for.
    public var requestedSlot: String = ""
    public var handoff: Handoff?
    public var suggestions: [Suggestion] = []
    /// (code, description) of a coupon offered.
    public var coupon: (code: String, description: String)?
    /// The state to sign and send back.
    public var state: ConversationState

    public static func == (a: DialogueReply, b: DialogueReply) -> Bool {
        a.text == b.text && a.language == b.language && a.intent == b.intent && a.action == b.action
            && a.requestedSlot == b.requestedSlot && a.handoff == b.handoff && a.suggestions == b.suggestions
            && a.coupon?.code == b.coupon?.code && a.state == b.state
    }
}
