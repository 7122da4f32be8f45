"""Training templates: many phrasings per intent in zh-CN and en (the held-out set is elsewhere).

Placeholders become slots: {product} {product2} {color} {storage} {size} {quantity} {order_id}
{budget} {recipient}. {this} is a deictic reference to the product in focus ("这款", "this one");
it is not a slot. A template may mix languages on purpose.
"""

TEMPLATES = {
    "greet": {
        "zh": ["你好", "您好", "在吗", "亲在吗", "哈喽", "嗨", "早上好", "晚上好", "有人吗", "你好呀客服", "hi 在吗",
               "客服你好", "亲,在不在", "下午好", "你好,想咨询一下", "喂喂", "哈喽客服"],
        "en": ["hi", "hello", "hey there", "good morning", "hello, anyone there?", "hiya", "good evening",
               "hey", "hi there, I have a question", "yo", "howdy", "hello support", "hi, are you there"],
    },
    "goodbye": {
        "zh": ["再见", "拜拜", "好的,再见", "没事了,拜拜", "先这样吧", "下次再聊", "回头见", "就这些了,再见", "88", "没有别的问题了"],
        "en": ["bye", "goodbye", "see you", "that's all, bye", "ok bye", "talk later", "nothing else, goodbye", "cya", "have a nice day, bye"],
    },
    "thanks": {
        "zh": ["谢谢", "多谢", "谢谢你", "好的谢谢", "非常感谢", "谢啦", "感谢帮忙", "太感谢了", "辛苦了,谢谢", "3q", "好的,明白了,谢谢"],
        "en": ["thanks", "thank you", "thx", "thanks a lot", "many thanks", "ty", "great, thank you", "appreciate it", "cheers", "ok got it, thanks"],
    },
    "stock_query": {
        "zh": ["{product}有货吗", "{product}还有现货吗", "{this}有现货吗", "{this}还有货吗", "{color}的{product}有吗",
               "{product}{color}{storage}有货吗", "{product} {storage}还有吗", "请问{color}{storage}的还有吗", "{product}{size}码有吗",
               "{color}{size}码还有吗", "{this}{color}的有库存吗", "{product}什么时候有货", "{product}缺货了吗", "{product}库存还有多少",
               "想买{quantity}{product},有货吗", "{product}{color}现在能发货吗", "{this}{storage}版本有没有现货", "{color}款还有没有",
               "{product}卖完了吗", "{product}{size}的还有库存不", "现在下单{product}能马上发吗", "{product}有没有{color}的"],
        "en": ["is the {product} in stock", "do you have the {product} in {color}", "is {this} available", "{product} {storage} in stock?",
               "any {color} {product} left", "is the {color} {storage} one available", "do you have {product} in size {size}",
               "is {this} in stock in {color}", "when will the {product} be back in stock", "is the {product} sold out",
               "can I get {quantity} {product}", "do you still have {this} in {storage}", "{product} {color} {size} available?",
               "is there stock for the {product}", "got any {product} in {color}?", "is {this} available in {size}",
               "how many {product} do you have left", "can the {color} {product} ship now"],
    },
    "price_query": {
        "zh": ["{product}多少钱", "{product}什么价格", "{this}多少钱", "{this}怎么卖", "{product}{storage}多少钱", "{product}现在什么价",
               "{product}价格是多少", "{color}的{product}多少钱一个", "{this}能便宜点吗", "{product}有优惠价吗", "{product}售价多少",
               "{product}{storage}版本价格", "{quantity}{product}一共多少钱", "{this}价格多少", "问下{product}的价格", "{product}贵不贵"],
        "en": ["how much is the {product}", "what's the price of {product}", "how much for {this}", "price of {product} {storage}",
               "how much does the {color} {product} cost", "what does {this} cost", "{product} price?", "how much are {quantity} {product}",
               "is {this} expensive", "can you tell me the price of the {product}", "what's the cost of the {storage} {product}",
               "how much is {this} in {storage}"],
    },
    "product_comparison": {
        "zh": ["{product}和{product2}哪个好", "{product}跟{product2}有什么区别", "{product}和{product2}比怎么样", "{product}还是{product2}",
               "{product}对比{product2}", "选{product}还是{product2}好", "{product}和{product2}哪个更值", "{product}与{product2}的区别"],
        "en": ["{product} or {product2}, which is better", "compare {product} and {product2}", "what's the difference between {product} and {product2}",
               "{product} vs {product2}", "should I get the {product} or the {product2}", "is the {product} better than the {product2}",
               "how does {product} compare to {product2}"],
    },
    "recommendation": {
        "zh": ["给{recipient}送什么礼物好", "有什么推荐的吗", "预算{budget}有什么推荐", "想给{recipient}买个礼物,预算{budget}", "推荐一款{budget}左右的",
               "送{recipient}什么好", "帮我推荐个东西", "{budget}以内买什么好", "有适合{recipient}的吗", "想买个礼物送{recipient}",
               "有没有性价比高的推荐", "给{recipient}选个生日礼物", "推荐一下热卖的", "{recipient}生日送啥好,{budget}以内"],
        "en": ["what should I get for my {recipient}", "any recommendations", "something under {budget}", "gift ideas for my {recipient}",
               "recommend something for {budget}", "what's a good gift for {recipient}", "I need a present for my {recipient}, budget {budget}",
               "can you suggest something", "what's popular right now", "best gift around {budget}", "help me pick a gift for {recipient}"],
    },
    "order_status": {
        "zh": ["我的订单到哪了", "订单{order_id}到哪了", "查一下订单{order_id}", "我的快递怎么还没到", "订单什么时候发货", "{order_id}这个单发货了吗",
               "帮我查下物流", "订单号是{order_id},到哪了", "我买的东西发货没", "查物流", "包裹到哪里了", "订单{order_id}状态",
               "我的货什么时候到", "快递几天能到", "订单一直没动静"],
        "en": ["where is my order", "track order {order_id}", "order status for {order_id}", "has my order shipped", "when will my package arrive",
               "check my order please", "where's my package", "my order {order_id} hasn't arrived", "tracking info for {order_id}",
               "what's the status of my order", "is order {order_id} on the way", "my parcel is late"],
    },
    "shipping_info": {
        "zh": ["运费多少", "包邮吗", "几天能发货", "发什么快递", "能发顺丰吗", "多久能到", "偏远地区发货吗", "满多少包邮", "可以加急吗",
               "从哪里发货", "{product}从哪个仓发货", "{product}几天到", "运费怎么算", "你们发货快吗"],
        "en": ["how much is shipping", "is shipping free", "how long does delivery take", "which courier do you use", "do you offer express shipping",
               "where do you ship from", "how long until the {product} ships", "shipping cost?", "free delivery over what amount",
               "do you ship to my city", "how fast do you deliver"],
    },
    "return_refund": {
        "zh": ["我要退货", "怎么退款", "想退货退款", "{product}不想要了,能退吗", "订单{order_id}申请退款", "退货流程是什么", "能七天无理由退货吗",
               "收到的{product}有问题,要退", "钱什么时候退回来", "我要退钱", "申请售后退款", "尺码不合适想退"],
        "en": ["I want to return this", "how do I get a refund", "refund please", "I'd like to return the {product}", "refund order {order_id}",
               "what's your return policy", "can I send it back", "the {product} is defective, I want my money back", "return and refund",
               "when will I get my refund", "it doesn't fit, I want to return it"],
    },
    "cancel_order": {
        "zh": ["取消订单", "我要取消订单{order_id}", "帮我把订单取消了", "不想要了,取消吧", "订单{order_id}能取消吗", "怎么取消订单",
               "刚下的单取消掉", "下错单了,取消一下"],
        "en": ["cancel my order", "please cancel order {order_id}", "I want to cancel", "can I cancel order {order_id}", "how do I cancel my order",
               "cancel it please", "I ordered by mistake, cancel it"],
    },
    "change_address": {
        "zh": ["修改收货地址", "地址写错了", "我要改地址", "订单{order_id}改一下地址", "能换个收货地址吗", "收货地址填错了怎么办", "帮我改下地址",
               "订单{order_id}的地址要改"],
        "en": ["change my shipping address", "I entered the wrong address", "update the address for order {order_id}", "can I change the delivery address",
               "wrong address on my order", "please change the address", "I moved, need to change address for {order_id}"],
    },
    "payment_issue": {
        "zh": ["付款失败", "支付不了", "扣款了但订单没显示", "微信支付一直失败", "付不了款怎么办", "钱扣了订单还是待付款", "支付宝付款出错",
               "银行卡支付不成功", "重复扣款了", "怎么付款"],
        "en": ["payment failed", "I can't pay", "I was charged but the order says unpaid", "my card was declined", "payment error",
               "I got charged twice", "alipay isn't working", "how can I pay", "the payment page keeps failing"],
    },
    "coupon_promotion": {
        "zh": ["有优惠券吗", "有什么活动", "最近有促销吗", "有没有折扣", "优惠码怎么用", "新人有优惠吗", "能打折吗", "有满减吗", "领券在哪",
               "{product}有活动吗"],
        "en": ["any coupons", "do you have a discount code", "any promotions right now", "is there a sale", "how do I use a coupon",
               "any deals on the {product}", "first order discount?", "promo code please", "any offers"],
    },
    "complaint": {
        "zh": ["我要投诉", "你们服务太差了", "东西质量太差", "客服态度很差", "收到的货是坏的", "太失望了,我要投诉", "发错货了", "等了半个月还没到,投诉",
               "产品和描述不符", "包装都烂了", "{product}用了两天就坏了", "你们这是欺骗消费者"],
        "en": ["I want to file a complaint", "your service is terrible", "the quality is awful", "I received a broken item", "wrong item delivered",
               "this is unacceptable", "the {product} broke after two days", "I've been waiting for weeks, this is ridiculous",
               "the product is not as described", "I'm very disappointed with your shop", "your support is useless"],
    },
    "human_agent": {
        "zh": ["转人工", "人工客服", "我要找人工", "找个真人", "转接人工服务", "能让人工来处理吗", "不要机器人", "叫你们经理来", "人工", "我想和客服人员说话"],
        "en": ["talk to a human", "human agent please", "I want a real person", "connect me to an agent", "let me speak to someone",
               "agent", "stop the bot, get me a person", "can I talk to customer service staff", "representative please"],
    },
    "out_of_scope": {
        "zh": ["今天天气怎么样", "讲个笑话", "你是谁", "1加1等于几", "你喜欢吃什么", "帮我写作业", "股票会涨吗", "附近有什么好吃的",
               "你是机器人吗", "唱首歌", "asdfgh", "嗯嗯", "哈哈哈", "啊?", "明天放假吗", "最近的电影推荐", "怎么做红烧肉"],
        "en": ["what's the weather like", "tell me a joke", "who are you", "what is 2 plus 2", "do you like pizza", "write my essay",
               "will bitcoin go up", "asdf", "lol", "what's the capital of France", "sing a song", "hmm", "are you a robot",
               "what movies are on", "how do I cook pasta"],
    },
    "inform": {
        "zh": ["{color}", "{color},{storage}", "{storage}", "{color}的", "要{color}的", "{storage}的", "{size}码", "{size}", "{color}{size}码",
               "{order_id}", "订单号{order_id}", "单号是{order_id}", "{product}", "就{product}吧", "{color}吧", "{storage}版本", "要{quantity}",
               "{quantity}就行", "{color} {storage}", "我要{color}{storage}的", "预算{budget}", "送{recipient}", "{product},{color}"],
        "en": ["{color}", "{color}, {storage}", "{storage}", "the {color} one", "{storage} please", "size {size}", "{size}", "{color} in {size}",
               "{order_id}", "order number {order_id}", "it's {order_id}", "the {product}", "{product} please", "{color} please",
               "{quantity} please", "{color} {storage}", "I'd like {color}, {storage}", "budget is {budget}", "for my {recipient}"],
    },
}

# Sentiment phrases added around a message: (label, intensity) → language → phrases.
SENTIMENT_PHRASES = {
    ("negative", "low"): {"zh": ["有点失望", "唉", "有点不太满意", "感觉一般", "稍微有点慢"], "en": ["a bit disappointed", "meh", "not great", "hmm, slightly annoyed"]},
    ("negative", "medium"): {"zh": ["很不满意", "太慢了", "真的很烦", "太贵了吧", "好失望", "有点生气"], "en": ["really unhappy", "this is annoying", "too expensive", "so frustrating", "not happy at all"]},
    ("negative", "high"): {"zh": ["气死我了!!!", "太垃圾了!!", "你们简直是骗子!", "忍无可忍了!!!", "差到极点!!", "我真的要疯了!!!"],
                           "en": ["this is absolutely unacceptable!!!", "worst service ever!!", "I'm furious!!!", "you are scammers!", "completely ridiculous!!!", "I am so angry!!"]},
    ("positive", "low"): {"zh": ["还行", "不错", "挺好"], "en": ["nice", "ok good", "not bad"]},
    ("positive", "medium"): {"zh": ["很好", "挺喜欢的", "很满意", "太好了"], "en": ["great", "love it", "very happy", "awesome"]},
    ("positive", "high"): {"zh": ["太棒了!!!", "超级喜欢!!", "简直完美!!!", "你们太好了!!"], "en": ["absolutely amazing!!!", "best shop ever!!", "I love it so much!!!", "fantastic!!"]},
}

# Negative sentiment about price (a coupon may be offered).
PRICE_COMPLAINTS = {"zh": ["太贵了", "怎么这么贵", "价格太高了", "别家便宜多了"], "en": ["too expensive", "way overpriced", "that's pricey", "it's cheaper elsewhere"]}

# Default sentiment of an intent when no phrase is added.
INTENT_SENTIMENT = {"thanks": ("positive", "low"), "complaint": ("negative", "medium")}

# More phrasings: vocabulary breadth (colloquial, indirect and short forms).
MORE = {
    "greet": {"zh": ["打扰了", "打扰一下,在吗", "嗨嗨", "哈喽,有人在吗", "你好,请问有人吗", "早", "晚上好呀", "客服在不在", "嗨,请问一下"],
              "en": ["hey, quick question", "hi! you there?", "hello, got a second?", "hey hey", "evening", "hi, can you help?", ]},
    "goodbye": {"zh": ["那先这样,拜", "好嘞,拜拜", "回见", "我走了,再见", "没了,拜"], "en": ["see ya later", "bye now", "later!"]},
    "thanks": {"zh": ["谢了", "thx", "多谢啦", "麻烦你了,谢谢"], "en": ["thank you kindly", "tysm", "much appreciated", ]},
    "stock_query": {"zh": ["{product}{size}号还有吗", "{product}现在能买吗", "{color}的还有吗"],
                    "en": ["can I still buy the {product}", "any {product} left?", ]},
    "price_query": {"zh": [],
                    "en": ["what does the {product} sell for", "how much do {quantity} {product} cost"]},
    "product_comparison": {"zh": [],
                           "en": ["{product} versus {product2}", ]},
    "recommendation": {"zh": ["有什么推荐给{recipient}的", "{budget}左右有啥推荐", "有什么好东西推荐", "有啥建议"],
                       "en": ["any suggestions for my {recipient}", "ideas for {budget}?", ]},
    "order_status": {"zh": ["我的包裹呢", "订单进度怎么样", "帮我看看发货没有", "快递到哪了", ],
                     "en": ["where is my stuff", ]},
    "shipping_info": {"zh": ["有没有包邮", "几天能送到"],
                      "en": ["which carrier do you use", "when will it ship after ordering"]},
    "return_refund": {"zh": ["能退吗", "怎么退", "想退掉", "给我退款", "退货怎么弄"],
                      "en": ["when does the refund arrive"]},
    "cancel_order": {"zh": ["订单不要了", "撤销订单", "帮我撤单"],
                     "en": ["cancel the order I just placed"]},
    "change_address": {"zh": [],
                       "en": ["new address for my order"]},
    "payment_issue": {"zh": ["支付报错", "付款一直不成功", "钱扣了没到账", "扣了两次钱"],
                      "en": ["card payment failed", "the money was taken but the order is unpaid"]},
    "coupon_promotion": {"zh": ["有没有打折", "有优惠码吗"],
                         "en": ["any discounts this week", "any coupon for me"]},
    "complaint": {"zh": ["东西和图片不一样", "什么破东西", "对服务很不满", "收到就坏了", "质量太烂了", "你们太坑了"],
                  "en": ["it broke after one day", "nobody helps me", "it looks nothing like the picture"]},
    "human_agent": {"zh": ["人工客服在哪", "找客服人员"],
                    "en": ["real person please", ]},
    "out_of_scope": {"zh": ["明天会下雨吗", "今晚吃啥", "现在几点了", "你叫什么名字", "哈哈", "随便聊聊", "唉"],
                     "en": ["tell me a story", "what's your name", "let's chat", "random question", ]},
    "inform": {"zh": ["是{order_id}", "{size}号", "就要{color}的", ],
               "en": ["order {order_id}", "the {storage} one", ]},
}
for _intent, _languages in MORE.items():
    for _lang, _phrases in _languages.items():
        TEMPLATES[_intent][_lang] = TEMPLATES[_intent][_lang] + _phrases
