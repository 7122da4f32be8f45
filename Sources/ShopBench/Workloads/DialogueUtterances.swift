/// Customer first turns for the dialogue workload, per locale: templates over the dialogue
/// model's knowledge base (`{product}`, `{product2}`, `{color}`, `{variant}`, `{order_id}`,
/// `{recipient}`, `{budget}`, `{coupon}` are replaced by names and ids from it), one or more
/// per intent the model knows, so a run exercises intent, slot filling, the knowledge base
/// look-ups and the hand-off paths rather than one cached answer.
enum DialogueUtterances {
    static let templates: [String: [String]] = [
        "en": [
            "Hi, is anyone there?",
            "Is the {product} in {color} in stock?",
            "Do you have the {product} {variant} available?",
            "How much is the {product}?",
            "What's the price of the {product} in {color}?",
            "What is the difference between the {product} and the {product2}?",
            "Can you recommend a gift for my {recipient} under {budget} CNY?",
            "Where is my order {order_id}?",
            "Has order {order_id} shipped yet?",
            "How long does delivery take?",
            "I want to return the {product} I bought last week.",
            "Please cancel order {order_id}.",
            "I need to change the delivery address for order {order_id}.",
            "I was charged twice for order {order_id}.",
            "Can I use the coupon {coupon}?",
            "This is the third time my order is late, I am really angry!",
            "I want to talk to a human agent.",
            "Thanks a lot, bye!",
        ],
        "zh-CN": [
            "你好,在吗?",
            "{product}{color}有货吗?",
            "{product}{variant}还有吗?",
            "{product}多少钱?",
            "{color}的{product}什么价格?",
            "{product}和{product2}有什么区别?",
            "想给{recipient}买个礼物,预算{budget}元,有什么推荐?",
            "我的订单{order_id}到哪了?",
            "订单{order_id}发货了吗?",
            "一般几天能到?",
            "上周买的{product}我想退货。",
            "帮我取消订单{order_id}。",
            "订单{order_id}的收货地址要改一下。",
            "订单{order_id}被扣了两次钱。",
            "优惠券{coupon}能用吗?",
            "订单又晚了,已经第三次了,太气人了!",
            "我要找人工客服。",
            "谢谢,再见!",
        ],
    ]
}
