"""Compositional English phrasings for the corpus generator (corpus_compose.py).

Same shape as corpus_phrases_zh.py: per intent "cores" ({S} is a product subject from SUBJECTS) and,
for product questions, "patterns" in which {S} is filled the same way. Written independently of the
hand-written dev and test sets.
"""

SUBJECTS = ["the {product}", "{product}", "{this}", "the {color} {product}", "{product} in {color}", "the {storage} {product}",
            "{product} {color} {storage}", "{product} in size {size}", "the {product} {storage}", "the {color} one",
            "the {product} in {color}, {storage}", "{product} ({color})", "a {color} {product}", "{product} size {size}"]

PHRASES = {
    "greet": {"cores": [
        "hi", "hello", "hey", "hiya", "hi there", "hello there", "hey there", "good morning", "good afternoon", "good evening",
        "morning", "hey!", "hello?", "anyone there?", "is anyone there", "hi, anybody around?",
        "hi support", "hey team", "yo", "sup", "howdy", "greetings", "hi, can I ask something", "hello, I have a question",
        "hi, I need some help", "hey, got a minute?", "hello, is this customer service", "hi hi", "helo", "hii", "heyy",
        "hello! you there?", "hi, how are you", "good day", "你好 hi"]},
    "goodbye": {"cores": [
        "bye", "goodbye", "bye bye", "see you", "see ya", "cya", "later", "talk later", "take care", "bye for now",
        "that's all, bye", "that's everything, goodbye", "ok bye", "I'm done, bye", "nothing else, see you", "gotta run, bye",
        "have a good day", "have a nice one, bye", "catch you later", "ok that's it for now", "alright, I'll leave it there",
        "signing off", "good night", "ttyl", "I'll be going now", "farewell"]},
    "thanks": {"cores": [
        "thanks", "thank you", "thx", "ty", "tysm", "thanks a lot", "thanks so much", "thank you very much", "many thanks",
        "much appreciated", "appreciate it", "appreciate the help", "thanks for your help", "cheers", "great, thanks",
        "ok thanks", "got it, thank you", "perfect, thanks", "that helps, thanks", "thank you kindly", "thanks a bunch",
        "thanks heaps", "you've been very helpful, thank you", "awesome, ty", "thank u", "thnx", "thanks mate", "谢谢 thanks"]},
    "stock_query": {"patterns": [
        "is {S} in stock", "is {S} available", "do you have {S}", "do you guys have {S}", "do you carry {S}", "got {S}?",
        "any {S} left", "{S} in stock?", "is {S} sold out", "is {S} out of stock", "when is {S} back in stock",
        "will you restock {S}", "can I still order {S}", "can I still buy {S}", "are you still selling {S}",
        "is there any {S} available", "how many of {S} are left", "{S} available now?", "can {S} ship today",
        "is {S} ready to ship", "do you stock {S}", "stock check on {S}", "still have {S}?", "{S} - any left?",
        "is {S} available to buy right now", "do you have {S} on hand", "when will {S} be available again",
        "is {S} currently available", "any stock for {S}", "is {S} still in stock", "can I get {S} now or is it backordered",
        "is {S} in your warehouse", "does {S} come in {color}", "is {S} available in {storage}", "do you have {S} in {size}"],
        "cores": ["I want {quantity} of the {product}, do you have enough", "which colors of the {product} are in stock",
                  "is the {size} available", "out of stock again?", "when will you restock", "do you have it in {color}",
                  "is {storage} available", "any left in {size}?", "I'd like to buy the {product}, is it in stock"]},
    "price_query": {"patterns": [
        "how much is {S}", "how much for {S}", "how much does {S} cost", "what's the price of {S}", "what does {S} cost",
        "price for {S}?", "what are you charging for {S}", "what's {S} going for", "cost of {S}?", "{S} price",
        "how much would {S} be", "what's the price tag on {S}", "how much do I pay for {S}", "is {S} pricey",
        "what's the current price of {S}", "how expensive is {S}", "what's {S} selling for", "how much are you selling {S} for",
        "price of {S}", "what does {S} go for", "how much is {S} now", "what's the final price for {S}", "price check: {S}",
        "can you quote me a price for {S}", "how pricey is {S}", "what will {S} set me back", "is {S} on the cheap side"],
        "cores": ["how much for {quantity} {product}", "what's the total for {quantity} of the {product}", "how much?",
                  "what's the price", "how much is it", "price?", "what's the difference in price between {storage} and {storage}",
                  "how much is the {storage} version", "what does it cost", "how much extra for {storage}"]},
    "product_comparison": {"cores": [
        "{product} vs {product2}", "{product} or {product2}?", "which is better, {product} or {product2}",
        "difference between {product} and {product2}?", "how do {product} and {product2} differ", "torn between {product} and {product2}",
        "can you compare {product} with {product2}", "is {product} worth it over {product2}", "{product} compared to {product2}",
        "which would you pick, {product} or {product2}", "{product} and {product2}, what's the difference",
        "should I buy {product} or {product2}", "pros and cons of {product} vs {product2}", "is the {product} any better than the {product2}",
        "{product} versus {product2}, which one", "what sets {product} apart from {product2}", "compare {product} to {product2} please",
        "which has better battery, {product} or {product2}", "is {product} or {product2} better value", "{product} or {product2}, help me decide",
        "how does the {product} stack up against the {product2}", "which is newer, {product} or {product2}"]},
    "recommendation": {"cores": [
        "what do you recommend", "any recommendations?", "can you recommend something", "what would you suggest",
        "gift for my {recipient}?", "what should I buy my {recipient}", "my {recipient}'s birthday is coming up, any ideas",
        "looking for a present for my {recipient}", "something nice under {budget}", "what can I get for {budget}",
        "best thing around {budget}", "help me choose a gift", "what's your best seller", "what's trending",
        "suggest something for my {recipient}", "I don't know what to buy, help", "any good gift ideas",
        "what would make a good gift", "I have {budget} to spend, what do you suggest", "recommend me something for my {recipient}",
        "which one should I get", "what's most popular", "any suggestions for a birthday present", "what's good for a student",
        "what do people usually buy", "I need gift ideas, budget {budget}", "something for my {recipient} under {budget}",
        "pick something for me", "what's worth buying", "your top picks?", "what would you buy with {budget}",
        "anything you'd recommend for my {recipient}", "help me find something nice", "what's a good {product} alternative"]},
    "order_status": {"cores": [
        "where's my order", "where is order {order_id}", "track my order", "order {order_id} status?", "has my order shipped yet",
        "has order {order_id} been sent out", "when will I get my package", "my package hasn't arrived", "any update on my order",
        "can you check on order {order_id}", "is my order on its way", "tracking number for my order?",
        "I still haven't received my {product}", "it's been a week and my order hasn't come", "what's happening with my order {order_id}",
        "order {order_id}, when will it arrive", "did my order ship", "status update please, order {order_id}", "where is my parcel",
        "my delivery is late", "when does my order arrive", "check delivery status", "I ordered the {product} last week, where is it",
        "has {order_id} shipped", "what's the eta on my order", "my order still says processing", "the tracking hasn't moved in days",
        "is order {order_id} delayed", "can you tell me where my package is", "when will my order {order_id} be delivered",
        "my stuff hasn't shown up", "how long until my order gets here", "I haven't got my delivery yet"]},
    "shipping_info": {"cores": [
        "how much is shipping", "is shipping free", "do I have to pay shipping", "shipping fee?", "what's the delivery charge",
        "which courier do you use", "who do you ship with", "can you ship with SF express", "how long does shipping take",
        "how many days for delivery", "do you ship internationally", "is there express delivery", "can I get next-day delivery",
        "where do you ship from", "which warehouse does the {product} ship from", "how soon can the {product} ship",
        "free shipping threshold?", "do you ship on weekends", "delivery time to Shanghai?", "what are the shipping options",
        "how fast is delivery", "do you deliver to my area", "is delivery included", "how long does it take to ship out",
        "what's the minimum for free delivery", "can I pick it up myself", "do you ship overseas", "same-day shipping?",
        "shipping costs for the {product}?", "when would the {product} arrive if I order today"]},
    "return_refund": {"cores": [
        "I want to return {this}", "how do I return the {product}", "can I get a refund", "refund please", "I want my money back",
        "how long does a refund take", "when will my refund come through", "I'd like to send back the {product}",
        "return policy?", "can I return an opened item", "refund for order {order_id}", "it doesn't fit, can I return it",
        "can I exchange it for another size", "the {product} is faulty, I want a refund", "start a return for order {order_id}",
        "do I pay return shipping", "I changed my mind, can I return it", "where do I send returns", "I need to return something",
        "how do refunds work", "my refund hasn't arrived", "can I swap it for a different color", "refund status?",
        "I'd like a refund for the {product}", "how many days do I have to return", "can I return it without the box",
        "I want to send it back", "process a refund for me please"]},
    "cancel_order": {"cores": [
        "cancel my order", "please cancel order {order_id}", "I want to cancel my purchase", "can I still cancel", "how do I cancel",
        "I placed the order by mistake, cancel it", "cancel order {order_id} please", "I don't want it anymore, cancel",
        "stop my order", "can you cancel the order before it ships", "call off my order", "I need to cancel the {product} I ordered",
        "withdraw my order", "cancel it", "is it too late to cancel", "cancel the last order", "I ordered twice, cancel one",
        "please don't ship order {order_id}, cancel it", "scrap my order", "how can I cancel an order"]},
    "change_address": {"cores": [
        "change my address", "I need to update my shipping address", "wrong address on order {order_id}",
        "can I change the delivery address", "I typed the wrong address", "please ship to a different address",
        "update the address for my order", "I moved, new address for order {order_id}", "can you send it to my office instead",
        "fix the address on my order", "edit delivery address", "the address is wrong", "change where it ships",
        "I put the wrong zip code", "can the address still be changed", "deliver to a new address please",
        "my phone number on the order is wrong", "update recipient details"]},
    "payment_issue": {"cores": [
        "payment failed", "my payment didn't go through", "I can't pay", "card declined", "I was charged twice", "double charged",
        "money taken but order unpaid", "the checkout keeps failing", "can't complete payment", "alipay error",
        "wechat pay not working", "how do I pay", "can I pay cash on delivery", "do you take credit cards", "payment page error",
        "got charged but no order", "my card got rejected", "the payment is stuck", "why can't I pay", "paypal?",
        "I paid but it still says pending payment", "transaction failed", "can I pay in installments", "error at checkout"]},
    "coupon_promotion": {"cores": [
        "any coupons?", "do you have a promo code", "any discounts", "is there a sale on", "any deals right now",
        "how do I apply a coupon", "my coupon doesn't work", "first-time buyer discount?", "any offers on the {product}",
        "black friday deals?", "is there a student discount", "member discount?", "any freebies with the {product}",
        "do you have vouchers", "discount code please", "any promotions this month", "will the {product} go on sale",
        "bulk discount if I buy {quantity}?", "coupon code?", "any cashback", "is there a bundle deal", "loyalty discount?"]},
    "complaint": {"cores": [
        "I want to complain", "I'd like to make a complaint", "terrible service", "the quality is awful", "it arrived broken",
        "you sent me the wrong item", "not as described", "the courier was rude", "your staff was rude", "this is a scam",
        "never buying from you again", "worst experience ever", "item is damaged", "missing parts", "it stopped working after a day",
        "I'm really unhappy with this purchase", "this is unacceptable", "the {product} is a piece of junk", "I got a used item",
        "the package was crushed", "nobody answers my messages", "I want to file a complaint about your service",
        "what a rip-off", "you ruined my gift", "the item looks fake", "horrible quality", "I'm leaving a bad review"]},
    "human_agent": {"cores": [
        "human please", "agent", "talk to a person", "real human please", "I want to speak to a human", "get me a real person",
        "transfer me to an agent", "can I talk to someone", "operator", "let me talk to your manager", "stop, I need a human",
        "is there a person I can talk to", "connect me with customer service", "you don't understand, get me a human",
        "live agent", "speak to a representative", "put me through to a person", "I don't want a bot", "human!",
        "can a real person help me", "escalate to a human", "supervisor please"]},
    "out_of_scope": {"cores": [
        "what's the weather today", "tell me a joke", "who are you", "how old are you", "what day is it", "book me a flight",
        "who's your boss", "recommend a movie", "is there a hospital nearby", "translate hello to french", "tell me a story",
        "chat with me", "I'm bored", "do you speak chinese", "what's 5 times 7", "will it rain tomorrow", "should I buy stocks",
        "what should I eat tonight", "how do I lose weight", "write me a poem", "what's your favorite color",
        "what's the tallest mountain", "sing me a song", "did you eat", "my cat is sick", "is the earth flat", "lol", "haha",
        "ok", "hmm", "...", "???", "test", "asdfasdf", "qwerty", "blah", "are you real", "what's your name", "what time is it",
        "how do I make pancakes", "who won the game last night", "what can you do", "I want to learn python", "meaning of life?",
        "are you an AI", "good joke?", "random", "nvm"]},
    "inform": {"cores": [
        "{color}", "{color} please", "the {color} one", "{color}, {storage}", "{storage}", "{storage} please", "the {storage} one",
        "{size}", "size {size}", "{size} please", "{color} in {size}", "{order_id}", "order {order_id}", "order number {order_id}",
        "my order number is {order_id}", "it's {order_id}", "{order_id} is the order", "the {product}", "{product}",
        "{quantity}", "{quantity} please", "make it {quantity}", "budget {budget}", "around {budget}", "under {budget}",
        "for my {recipient}", "it's for my {recipient}", "{color} and {storage}", "I'll take {color}", "{storage}, {color}",
        "I'd go with {color}", "{product}, {color}", "let's do {color}", "{color} {storage}", "{color}, size {size}"]},
}

FILLERS = ["I saw it on your homepage", "my friend recommended you", "I'm in a hurry", "I'm a regular customer",
           "sorry to bother you", "just wondering", "by the way", "also", "one more thing", "honestly", "quick one",
           "I'm new here", "I ordered on my phone", "I've been looking for a while", "not sure if this is the right place",
           "so", "well", "ok so", "umm", "btw"]
OPENERS = ["hi, ", "hello, ", "hey, ", "excuse me, ", "quick question: ", "can you tell me ", "I'd like to know ",
           "I was wondering ", "just wondering, ", "sorry, ", "hey there, ", "um, ", "so ", "please, ", "could you check: ",
           "help: ", "question - "]
TAILS = ["thanks", "thx", "please", "pls", "plz", "asap", "ty", "?", "??", "!", ".", "...", " :)", " 🙏", " 🙂"]

# Informal spellings and common typos (applied to text between slots, whole words).
COLLOQUIAL = [("you", "u"), ("your", "ur"), ("are", "r"), ("please", "pls"), ("please", "plz"), ("thanks", "thx"),
              ("what's", "whats"), ("what is", "whats"), ("don't", "dont"), ("can't", "cant"), ("I'm", "im"), ("want to", "wanna"),
              ("going to", "gonna"), ("for", "4"), ("to", "2"), ("okay", "ok"), ("the ", ""), ("is ", ""), ("do you", "d'you"),
              ("have", "hav"), ("order", "oder"), ("refund", "refun"), ("available", "availible"), ("address", "adress"),
              ("shipping", "shiping"), ("cancel", "cancell"), ("recommend", "recomend"), ("payment", "paymet")]
# English with Chinese words mixed in.
MIXED = [("order", "订单"), ("refund", "退款"), ("coupon", "优惠券"), ("price", "价格"), ("shipping", "运费"), ("stock", "库存"),
         ("cancel", "取消"), ("address", "地址"), ("thanks", "谢谢"), ("hi", "你好"), ("human", "人工"), ("gift", "礼物")]

# A second batch of phrasings: indirect questions, statements of need, longer messages with context.
MORE_CORES = {
    "greet": ["hi, hope you're well", "hello hello", "heya", "hey, anyone around", "good morning team", "hi, is this the shop",
              "hello, can someone help me", "hey, you there?", "hi! quick question", "evening, anyone on"],
    "goodbye": ["ok, I'm off", "bye then", "talk soon", "that'll be all, goodbye", "alright, see you around", "all good, bye",
                "I'll come back later, bye", "peace out"],
    "thanks": ["thanks, that's helpful", "thank you so much", "great help, thanks", "thanks for sorting that out", "cheers mate",
               "ok thank you", "brilliant, thanks", "thank you for your time", "much obliged"],
    "stock_query": ["I'd like to know if the {product} is in stock", "are there any {product} left", "is the {product} still sold",
                    "do you have any {color} ones", "I can't add the {product} to my cart, is it out of stock", "any chance of a restock",
                    "when do you get more {product}", "is {size} available for the {product}", "do you have the {storage} version",
                    "is the {product} available for delivery now"],
    "price_query": ["how much are they", "what do they cost", "I'd like to know the price of the {product}", "what's it cost",
                    "how much do you charge for the {product}", "tell me the price of the {product}", "price on the {storage} model?",
                    "what's the going rate for the {product}", "how much would {quantity} cost", "is the {product} cheaper now"],
    "product_comparison": ["what's better, {product} or {product2}", "{product} vs {product2}, thoughts?", "help me compare {product} and {product2}",
                           "is {product} better or {product2}", "which one is better value, {product} or {product2}"],
    "recommendation": ["looking for something for my {recipient}", "can you suggest a gift for my {recipient}", "what should I get",
                       "recommend a {product}?", "I need something under {budget}", "what's a nice gift for around {budget}",
                       "any ideas what to buy", "what's the best option for me", "suggestions please", "what would you go for"],
    "order_status": ["has my package shipped", "any news on my order", "where's order {order_id} at", "when's my order coming",
                     "order hasn't arrived yet", "tracking says delivered but I didn't get it", "can you look up order {order_id}",
                     "is my package lost", "my order {order_id} is taking forever", "check order status please"],
    "shipping_info": ["how much do you charge for delivery", "is delivery free", "what courier", "how long to ship to Beijing",
                      "do you ship abroad", "shipping time?", "do you have free shipping", "can I get express shipping",
                      "how long before it ships", "is there a shipping fee"],
    "return_refund": ["can I return it", "I need a refund", "how to return", "I'd like to return my order {order_id}",
                      "what's the refund process", "can I exchange it", "return request", "refund my order please",
                      "I want to return the {product}, it's not what I expected"],
    "cancel_order": ["can I cancel", "I'd like to cancel my order", "please cancel it", "cancel the order please",
                     "I changed my mind, cancel the order", "cancel {order_id}"],
    "change_address": ["I need to change my address", "can I update my address", "change delivery address please",
                       "my address is wrong on the order", "ship to a new address"],
    "payment_issue": ["payment not working", "I can't check out", "why was I charged twice", "my payment was declined",
                      "money was deducted but no order", "the payment keeps erroring", "which payment methods do you accept"],
    "coupon_promotion": ["any promo codes", "is there a discount", "do you have any sales", "coupon please", "any special offers",
                         "is the {product} on sale", "can I get a discount", "any deals for new customers"],
    "complaint": ["this is terrible", "I'm very unhappy", "the service is awful", "the item is broken", "you guys are useless",
                  "I'm really disappointed", "the product is defective", "this is a joke", "the delivery driver was so rude to me",
                  "I got the wrong thing", "I'm not happy at all with this order"],
    "human_agent": ["I want a human", "can I speak to a person", "get me an agent", "transfer to human", "real agent please",
                    "I need to talk to a real person"],
    "out_of_scope": ["what's up", "how's your day", "who made you", "what's 10 plus 5", "tell me something funny",
                     "can you help with my homework", "where should I travel", "what's the news today", "favorite food?",
                     "how tall are you", "do you sleep"],
    "inform": ["{color} one", "I want {color}", "{storage} version", "size {size} please", "the order is {order_id}",
               "it's order {order_id}", "{quantity} of them", "{budget} max", "for my {recipient} please", "{color} please, {storage}"],
}
for _intent, _cores in MORE_CORES.items():
    PHRASES[_intent]["cores"] = PHRASES[_intent]["cores"] + _cores

# A third batch for the intents whose unseen phrasings generalized worst (phrase-held-out validation):
# open-ended small talk, complaints, shipping policy, address changes, social turns and bare answers.
BROAD_CORES = {
    "greet": ["hi, good to see you", "hello, anyone home?", "hey, hello", "hi, I'm here", "hello, customer support?",
              "hi, you around?", "good morning!", "hey, how's it going"],
    "goodbye": ["ok, goodbye then", "I'm heading out", "see you next time", "bye, have a good one", "that's it, cheers, bye",
                "all done, bye", "thanks, bye"],
    "thanks": ["thank you!", "thanks!!", "thanks, you're a star", "great, much appreciated", "thanks for the quick reply"],
    "recommendation": ["what do you think I should buy", "which would you recommend", "anything good for a birthday",
                       "what's a good present", "got any suggestions", "recommend something cheap", "what's new and good",
                       "help me decide what to buy", "I want something nice for my {recipient}", "any ideas for {budget} or less"],
    "order_status": ["where's my stuff", "my order still hasn't come", "has it shipped", "when will it get here",
                     "can you track order {order_id}", "my parcel is missing"],
    "shipping_info": ["what's the shipping cost", "how much is delivery", "how long is delivery", "do you deliver on Sundays",
                      "which delivery company do you use", "can you ship to Hong Kong", "how much to ship to Guangzhou",
                      "when do orders ship", "do you offer free returns shipping", "how long does it take to arrive",
                      "do you ship to rural areas", "can I choose the courier", "is shipping included in the price"],
    "change_address": ["I need a different delivery address", "the shipping address is wrong", "can you redirect my package",
                       "change the address on {order_id}", "I made a mistake in my address", "send it to my work address instead",
                       "wrong recipient name on the order", "please update my delivery details", "can I change the address before it ships"],
    "complaint": ["this is awful", "very bad service", "I'm so disappointed", "this is a disgrace", "you should be ashamed",
                  "what kind of service is this", "absolutely terrible", "I waited forever and nobody helped",
                  "the item came dirty", "the free gift was missing", "shipping was slow and nobody explained", "this is ridiculous"],
    "out_of_scope": ["how old r u", "where do you live", "what should I do this weekend", "am I handsome", "how do I get rich",
                     "check train tickets for me", "how hot will it be tomorrow", "tell me a bad joke", "what's the meaning of life",
                     "do you play chess", "guess who I am", "I'm sleepy", "what's your favorite animal", "teach me to bake a cake",
                     "what's in the news", "which company made you", "who won the basketball game", "talk to me, I'm bored",
                     "ok ok", "fine", "uh", "whatever", "idk", "huh?", "you're dumb", "yes", "no", "maybe"],
    "inform": ["the {color} one please", "{size}", "size {size}", "{storage} is fine", "order {order_id}", "number {order_id}",
               "I need {quantity}", "just {quantity}", "under {budget}", "about {budget}", "my {recipient}", "{color}, thanks",
               "{storage} one"],
}
for _intent, _cores in BROAD_CORES.items():
    PHRASES[_intent]["cores"] = PHRASES[_intent]["cores"] + _cores

# A fourth batch, same intents: everyday wording of leaving, chatting, being upset, delivery and returns.
EVERYDAY_CORES = {
    "greet": ["anybody?", "hey, you busy?", "hello, sorry to bother", "hi, customer service", "morning, anyone there?"],
    "goodbye": ["ok I'll go now", "gotta go", "I'm off now, bye", "ok, see you", "nothing more, thanks, bye", "speak later",
                "bye, thanks again", "I'll leave it there"],
    "shipping_info": ["how many days to deliver", "what shipping do you use", "can I pay shipping on delivery", "delivery fee?",
                      "do you ship for free over some amount", "can you ship faster", "what are your delivery times",
                      "is there a charge for shipping"],
    "return_refund": ["I want to send this back", "where's my refund", "can I swap this", "can you refund me", "how do I get my money back",
                      "I'd like to exchange the size", "not satisfied, can I return", "where do I return it to"],
    "complaint": ["your products are bad", "I want to complain about the delivery", "it didn't work out of the box",
                  "so annoyed right now", "what kind of service is that", "no one is taking care of this", "totally not what was advertised",
                  "your attitude is terrible", "how can you sell this quality", "I'm not okay with this"],
    "out_of_scope": ["you're cute", "are you a person or a machine", "it's raining here", "working late today", "sing for me",
                     "how's the stock market", "can you draw", "where should I go tomorrow", "my friend ignores me", "exams are hard",
                     "I want a cat", "good mobile games?", "so hot today", "just kidding"],
    "inform": ["yes, {color}", "yeah {storage}", "the {size} one", "this one: {order_id}", "yes, {quantity}", "yes, for my {recipient}"],
}
for _intent, _cores in EVERYDAY_CORES.items():
    PHRASES[_intent]["cores"] = PHRASES[_intent]["cores"] + _cores

# A fifth batch, kept in its own file: see corpus_phrases_en_extra.py.
from .corpus_phrases_en_extra import EXTRA_CORES  # noqa: E402

for _intent, _cores in EXTRA_CORES.items():
    PHRASES[_intent]["cores"] = PHRASES[_intent]["cores"] + _cores
