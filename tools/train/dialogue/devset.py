"""The development set, written by hand (formerly the "held-out" set).

It steered model and generator decisions, and ~100 generator phrasings (`MORE` in
corpus_templates.py) were added after looking at its errors, so it is NOT an unbiased test: report
it as "dev". The untouched test set is testset.py. Format: annotated.py.
"""
from . import annotated

LINES = """
greet | 0 | 您好呀,有个问题想问问
greet | 0 | 哈啰~客服小姐姐在吗
greet | 0 | 嗨,打扰一下
greet | 0 | 早呀
greet | 0 | hello hello, is someone there?
greet | 0 | hey, morning!
greet | 0 | Hi! Got a minute?
greet | 0 | good afternoon
goodbye | 0 | 那我先走了,拜
goodbye | 0 | 好嘞,回见
goodbye | 0 | 没别的事了,再会
goodbye | 0 | ok that's everything, see ya
goodbye | 0 | alright, bye for now
goodbye | 0 | gotta go, goodbye!
thanks | +1 | 好的好的,感谢
thanks | +2 | 太谢谢你啦
thanks | +1 | 收到,谢了
thanks | +1 | thank u so much
thanks | +1 | thanks for the help
thanks | +2 | awesome, thanks a ton!
stock_query | 0 | [星耀X1](product)现在还能买到吗
stock_query | 0 | [白色](color)的[疾风跑鞋](shoes)[42](size)码还有吗
stock_query | 0 | 请问[声动Pro耳机](product)[黑色](color)现货有吗?
stock_query | 0 | [轻羽笔记本](product)[512G](storage)还有库存不
stock_query | 0 | 这个还有吗,要[蓝色](color)[128GB](storage)的
stock_query | 0 | [暖冬羽绒服](product)[L](size)号[红色](color)还有没有货啊
stock_query | 0 | Do you have any [Nova S9](product) left in [green](color)?
stock_query | 0 | is the [FitPulse watch](product) available in [pink](color)
stock_query | 0 | any stock of [City backpack](product) in [gray](color)?
stock_query | 0 | I'm looking for the [Swift Runner shoes](product) in size [43](size), do you have them?
stock_query | 0 | is the [black](color) [256gb](storage) [nova x1](product) in stock right now
stock_query | -2 | still no stock of the [Feather laptop](product)?? so annoying
price_query | 0 | [星耀S9手机](product)卖多少
price_query | 0 | [晨光咖啡机](product)要多少钱啊
price_query | 0 | [轻羽笔记本](product)[1T](storage)的价格是?
price_query | -2 | [星耀X1](product)这么贵啊,太贵了
price_query | 0 | 请问[小声宝音箱](product)现价多少
price_query | 0 | What's the [MiniBoom speaker](product) going for?
price_query | 0 | how much would the [Nova Pad tablet](product) [128GB](storage) be
price_query | -2 | the [Nova X1](product) is way too expensive, how much is it really?
price_query | 0 | price check on the [WarmWinter down jacket](product) please
price_query | 0 | what do [2](quantity) [Basic cotton tee](product) cost?
product_comparison | 0 | [星耀X1](product)跟[星耀S9](product)比哪个好用
product_comparison | 0 | [声动Pro](product)和[小声宝](product)有啥不同
product_comparison | 0 | 纠结[轻羽笔记本](product)还是[星耀Pad平板](product)
product_comparison | 0 | which is better for me, [Nova S9](product) or [Nova X1](product)?
product_comparison | 0 | [Feather laptop](product) versus [Nova Pad](product), thoughts?
product_comparison | 0 | differences between [SoundGo Pro](product) and [MiniBoom](product)?
recommendation | 0 | 想给[老妈](recipient)挑个礼物,有建议吗
recommendation | 0 | [2000块](budget)以内有啥好东西推荐
recommendation | 0 | [闺蜜](recipient)过生日,送点什么呢
recommendation | 0 | 有什么适合[儿子](recipient)的,[300元](budget)左右
recommendation | 0 | looking for a present for my [dad](recipient)
recommendation | 0 | what would you suggest with [500 yuan](budget)?
recommendation | 0 | any good ideas for my [girlfriend](recipient) under [$1000](budget)
recommendation | 0 | what do you recommend?
order_status | 0 | 我买的东西到哪一步了
order_status | 0 | 查询订单[202405180002](order_id)的进度
order_status | 0 | 单号[202405190421](order_id),怎么还没收到
order_status | -2 | 等了好几天了,我的包裹呢,烦死了
order_status | 0 | 帮我看看订单发出来没有
order_status | 0 | any update on my order?
order_status | 0 | can you check where order [202405180001](order_id) is
order_status | 0 | my package still hasn't shown up
order_status | 0 | status of [202405170015](order_id)?
order_status | 0 | has order [2024051800019](order_id) been sent out yet
shipping_info | 0 | 你们一般用哪家快递
shipping_info | 0 | 买多少钱可以免运费
shipping_info | 0 | 下单后多久发出
shipping_info | 0 | what are the delivery options
shipping_info | 0 | do I have to pay for shipping?
shipping_info | 0 | how many days for delivery usually
return_refund | 0 | 这个东西能退吗
return_refund | -1 | [声动Pro耳机](product)不太喜欢,想退掉
return_refund | 0 | 退款多久能到账
return_refund | -2 | 订单[202405170015](order_id)质量有问题,给我退款
return_refund | 0 | can I get my money back for this
return_refund | 0 | how do returns work?
return_refund | -1 | the [Basic cotton tee](product) is too small, I'd like to send it back
return_refund | 0 | please refund order [202405190421](order_id)
cancel_order | 0 | 订单[202405180002](order_id)不要了,帮我取消
cancel_order | 0 | 刚才那单能撤销吗
cancel_order | 0 | 我想把刚买的取消掉
cancel_order | 0 | I changed my mind, cancel order [202405180002](order_id)
cancel_order | 0 | please cancel my purchase
cancel_order | 0 | is it too late to cancel?
change_address | 0 | 收货地址要换一下
change_address | 0 | 订单[202405180002](order_id)送到公司去,地址改下
change_address | 0 | 我搬家了,地址需要更新
change_address | 0 | need to update my delivery address
change_address | 0 | can order [202405180001](order_id) go to a different address?
change_address | 0 | oops I typed the wrong address
payment_issue | 0 | 支付的时候一直报错
payment_issue | -1 | 钱已经扣了,订单却显示未付款
payment_issue | 0 | 信用卡付不了
payment_issue | 0 | my payment keeps getting rejected
payment_issue | -2 | I've been charged two times for one order, really annoying
payment_issue | 0 | wechat pay doesn't work at checkout
coupon_promotion | 0 | 现在买有没有优惠
coupon_promotion | 0 | 有券可以领吗
coupon_promotion | 0 | 双十一有活动吗
coupon_promotion | 0 | got any discount codes?
coupon_promotion | 0 | is anything on sale this week
coupon_promotion | 0 | are there any deals for new customers
complaint | -2 | 你们发的货和图片完全不一样
complaint | -2 | 快递员态度太恶劣了
complaint | -3 | 什么破东西,用一天就坏了!!!
complaint | -2 | 对你们的服务非常不满
complaint | -2 | the item arrived damaged and nobody helps me
complaint | -3 | this is the worst shopping experience I've ever had!!!
complaint | -2 | your delivery guy was really rude
complaint | -2 | I'm not happy with the quality at all
human_agent | 0 | 我要跟真人说
human_agent | 0 | 给我转个人工吧
human_agent | 0 | 有没有人工客服啊
human_agent | 0 | I'd rather talk to a real agent
human_agent | 0 | can a human help me please
human_agent | 0 | transfer me to customer service staff
out_of_scope | 0 | 你会下棋吗
out_of_scope | 0 | 北京明天下雨吗
out_of_scope | 0 | 给我讲个故事吧
out_of_scope | 0 | 今晚吃什么好
out_of_scope | 0 | who won the football game yesterday
out_of_scope | 0 | can you help me with my homework
out_of_scope | 0 | what time is it in London
out_of_scope | 0 | blah blah
inform | 0 | [黑色](color),[256G](storage)。
inform | 0 | 要[白的](color)
inform | 0 | [128G](storage)就行
inform | 0 | 我要[M](size)码的
inform | 0 | 订单号:[202405180001](order_id)
inform | 0 | [蓝色](color)吧,[512GB](storage)
inform | 0 | [black](color) please, [256GB](storage)
inform | 0 | I'll take [white](color)
inform | 0 | size [42](size)
inform | 0 | the order number is [202405190421](order_id)
inform | 0 | [silver](color), [1TB](storage)
inform | 0 | [256G](storage)
stock_query | -3 | [星耀X1](product)到底什么时候有货!!!等了一个月了!!!
complaint | -3 | 你们就是骗子,气死我了!!!
complaint | -3 | I am absolutely furious, my order arrived broken!!!
return_refund | -3 | 退钱!!!马上给我退钱!!!
recommendation | +2 | 你们家东西挺好的,再推荐一个给我[妈妈](recipient)
price_query | +1 | [声动Pro耳机](product)挺不错,多少钱
""".strip().splitlines()


def examples() -> list:
    return annotated.examples(LINES)
