"""The test set: written by hand after the dev set was closed, without looking at any model error.

Phrasings deliberately differ from corpus_templates.py (other verbs, word order, colloquial and
typo'd forms, mixed language, slot values in new surface forms such as 两千, 128 gb, miniboom).
It is reported once per training run and never used for a decision. Format: annotated.py.
"""
from . import annotated

LINES = """
greet | 0 | 哈罗,值班的小哥哥在线不
greet | 0 | 在不在呀亲
greet | 0 | 晚上好~打扰啦
greet | 0 | 喂,客服?
greet | 0 | 您早,麻烦问一嘴
greet | 0 | hi客服,在线吗
greet | 0 | heyy anybody home?
greet | 0 | mornin folks
greet | 0 | yoo hellooo, support?
greet | 0 | sup, anyone on the chat rn?
greet | 0 | greetings!
greet | 0 | evening, is this the shop chat?
goodbye | 0 | 行,那就先这样,拜拜啦
goodbye | 0 | 好的没事了,下回聊
goodbye | 0 | 我下线了哈
goodbye | 0 | 嗯嗯,再会啦
goodbye | 0 | 溜了溜了,byebye
goodbye | 0 | 先撤了
goodbye | 0 | ok I'm done here, take care
goodbye | 0 | that's it from me, later!
goodbye | 0 | signing off now, bye bye
goodbye | 0 | catch you later
goodbye | 0 | gotta run, cheers bye
goodbye | 0 | farewell
thanks | +1 | 感恩感恩
thanks | +2 | 太给力了,感谢感谢!
thanks | +1 | 辛苦亲了,爱你哟
thanks | +1 | 明白啦,谢谢哈
thanks | +2 | 帮大忙了,万分感谢
thanks | +1 | 感激不尽啦
thanks | +1 | much obliged, mate
thanks | +2 | that helps a lot, really appreciate it!
thanks | +1 | owe you one, ta!
thanks | +1 | perfect, u rock
thanks | +2 | you're a lifesaver, thanks!!
thanks | +1 | cool, thanks for checking
stock_query | 0 | [星耀X1](product)还能下单不?没断货吧
stock_query | 0 | 想问[活力表](product)[粉的](color)现在有现货没
stock_query | 0 | [跑鞋](product)[41](size)码的还剩吗
stock_query | 0 | [羽绒服](product)有[XL](size)的吗,要[黑](color)的
stock_query | 0 | 仓库里还有[声动耳机](product)没
stock_query | 0 | [紫色](color)的[星耀S9](product)[256g](storage)到货没
stock_query | 0 | [咖啡机](product)是不是卖光了
stock_query | 0 | yall still selling the [soundgo](product)?
stock_query | 0 | [nova s9](product) [purple](color) [128 gb](storage) - can i order one today or nah
stock_query | 0 | looking 4 [running shoes](product) sz [42](size), u have em?
stock_query | 0 | is there any [winter jacket](product) size [M](size) left in the warehouse
stock_query | 0 | has the [coffee machine](product) been restocked yet
stock_query | 0 | [silver](color) [x1](product) - any units on the shelf?
stock_query | -1 | [backpack](product) out of stock??
price_query | 0 | [小声宝](product)现在卖几块钱
price_query | 0 | [轻羽电脑](product)[1TB](storage)啥价位
price_query | 0 | 问个价,[星耀平板](product)
price_query | 0 | [跑鞋](product)现在打完折多少
price_query | -2 | [声动Pro](product)咋这么贵,到底多少钱
price_query | 0 | 买[3件](quantity)[T恤](product)要花多少
price_query | 0 | [双肩包](product)卖啥价儿
price_query | 0 | what's the damage for a [Nova X1](product)?
price_query | 0 | quote me a number for the [fitpulse](product)
price_query | 0 | the [mini boom](product) costs how many yuan
price_query | -2 | why is the [feather notebook](product) so pricey, whats the actual price
price_query | 0 | cost of [two](quantity) [cotton tees](product)?
price_query | 0 | what would a [512GB](storage) [feather](product) set me back
product_comparison | 0 | [星耀X1](product)和[S9](product)选哪个,纠结死了
product_comparison | 0 | [轻羽](product)跟[星耀Pad](product)哪个更适合办公
product_comparison | 0 | [蓝牙音箱](product)跟[声动Pro](product)音质差多少
product_comparison | 0 | [x1手机](product)对比[s9手机](product)拍照谁强
product_comparison | 0 | 帮我比较下[星耀S9](product)和[星耀X1](product)的续航
product_comparison | 0 | [声动耳机](product)与[音箱](product)有什么差别
product_comparison | 0 | [Nova X1](product) vs. [Nova S9](product) camera - which wins?
product_comparison | 0 | torn between the [feather](product) and the [nova pad](product)
product_comparison | 0 | how is [soundgo pro](product) different from [miniboom](product)?
product_comparison | 0 | [x1](product) or [s9](product) for gaming?
product_comparison | 0 | pros and cons of [Nova Pad](product) compared with [Feather laptop](product)
product_comparison | 0 | battery life on [x1](product) against [s9](product)?
recommendation | 0 | [老公](recipient)生日快到了,送啥合适
recommendation | 0 | 预算就[1000块](budget),买点啥好
recommendation | 0 | 给[宝宝](recipient)挑个东西,别超[500](budget)
recommendation | 0 | 有没有适合送[同事](recipient)的小礼物
recommendation | 0 | 你们家卖得最火的是哪个
recommendation | 0 | 帮忙挑挑,[爸妈](recipient)用的,[两千](budget)以内
recommendation | 0 | need gift ideas, my [wife](recipient) loves music
recommendation | 0 | what would you suggest for a [kid](recipient) under [$300](budget)?
recommendation | 0 | got anything good for around [1500 yuan](budget)
recommendation | 0 | my [buddy](recipient)'s birthday is next week, any ideas
recommendation | 0 | whats hot right now? want to treat myself
recommendation | 0 | shopping for my [dad](recipient), budget about [800](budget)
order_status | 0 | 我那单[202405180002](order_id)咋还没发
order_status | -1 | 买了一周了还没收到,帮我看看
order_status | 0 | 快递现在在哪个城市了
order_status | 0 | 单号[202406011234](order_id)帮忙跟踪一下
order_status | 0 | 我昨天下的单,啥时候能到手
order_status | 0 | [2024052099887766](order_id)这单到哪一步了
order_status | 0 | any update on my package?
order_status | 0 | order #[202405180001](order_id), whats the holdup
order_status | -1 | my stuff still hasnt shown up, can u look into [20240601777](order_id)
order_status | 0 | has [202405180003](order_id) left the warehouse yet
order_status | 0 | when do i get my delivery
order_status | 0 | tracking number for my last order?
shipping_info | 0 | 寄到新疆要加运费不
shipping_info | 0 | 下单后多快能发出
shipping_info | 0 | 用的是哪家物流
shipping_info | 0 | 买[两件](quantity)包不包邮
shipping_info | 0 | [咖啡机](product)寄北京要多久
shipping_info | 0 | 支持次日达吗
shipping_info | 0 | can stuff be shipped abroad?
shipping_info | 0 | what's the delivery fee to shanghai
shipping_info | 0 | can i get next day delivery
shipping_info | 0 | how many days for the [x1](product) to reach me
shipping_info | 0 | which warehouse ships the [backpack](product)
shipping_info | 0 | is there a minimum for free postage
return_refund | 0 | [跑鞋](product)码数不对,能退吗
return_refund | -1 | 衣服穿着不合身,想退掉
return_refund | 0 | 退款多久到账啊
return_refund | 0 | 收到的[耳机](product)退回去怎么弄
return_refund | 0 | 没拆封的可以退吗
return_refund | -2 | [咖啡机](product)漏水,要求退款
return_refund | 0 | what's the process to mail the [jacket](product) back?
return_refund | 0 | need my money back for order [202405180002](order_id)
return_refund | 0 | is there a 7 day return window?
return_refund | -1 | the [tee](product) shrank after one wash, taking it back for a refund
return_refund | 0 | refund status? i mailed the item back last week
return_refund | 0 | can i return an opened box
cancel_order | 0 | 刚才那单不要了,帮我撤销
cancel_order | 0 | 订单[202406020011](order_id)麻烦作废
cancel_order | 0 | 还没发货的话我想取消
cancel_order | 0 | 我后悔了,单子取消掉吧
cancel_order | 0 | 拍错了,撤单
cancel_order | 0 | 能不能把[202405180002](order_id)撤回
cancel_order | 0 | scrap my last purchase
cancel_order | 0 | i changed my mind, dont send order [202405180002](order_id)
cancel_order | 0 | how to call off an order before it ships
cancel_order | 0 | oops wrong color, kill that order
cancel_order | 0 | void [20240603456](order_id) for me
cancel_order | 0 | stop my order, i dont want it anymore
change_address | 0 | 收件地址能改成公司的吗
change_address | 0 | 我搬家了,订单[202405180002](order_id)寄到新地址
change_address | 0 | 门牌号填错了,帮我更正
change_address | 0 | 收货人电话和地址都要改
change_address | 0 | 能改成寄到我老家吗
change_address | 0 | 地址漏写了单元号,还能补吗
change_address | 0 | can you ship it to a different address instead
change_address | 0 | typo in my street name, pls fix
change_address | 0 | need to update delivery location for [202405180001](order_id)
change_address | 0 | i moved last week, can the parcel go to my new place
change_address | 0 | redirect my order to my office
change_address | 0 | the zip code i typed is wrong, need it fixed
payment_issue | -1 | 付钱的时候一直转圈圈
payment_issue | 0 | 信用卡被拒了咋回事
payment_issue | -2 | 同一笔钱被划走两回!!
payment_issue | 0 | 能用花呗分期吗
payment_issue | 0 | 付完款显示未支付
payment_issue | 0 | 微信付款提示异常
payment_issue | 0 | checkout keeps erroring out
payment_issue | -1 | my visa got rejected at checkout
payment_issue | 0 | money left my account but order shows pending payment
payment_issue | 0 | do you accept paypal
payment_issue | -2 | you billed me twice for the same thing
payment_issue | 0 | the pay button does nothing
coupon_promotion | 0 | 有没有满减券可以领
coupon_promotion | 0 | 双十一有活动不
coupon_promotion | 0 | 新用户首单能减多少
coupon_promotion | 0 | 优惠码输进去没反应
coupon_promotion | 0 | [耳机](product)最近有降价吗
coupon_promotion | 0 | 会员有额外折扣吗
coupon_promotion | 0 | got any voucher codes?
coupon_promotion | 0 | is anything on sale this week
coupon_promotion | 0 | do students get money off?
coupon_promotion | 0 | the discount voucher wont apply at checkout
coupon_promotion | 0 | any black friday deals
coupon_promotion | 0 | will the [nova x1](product) go on discount soon
complaint | -2 | 你们发的货跟图片完全不一样
complaint | -3 | 什么破质量,用一次就坏!!
complaint | -2 | 快递员态度恶劣,我很不爽
complaint | -2 | 盒子被压扁了,里面东西也坏了
complaint | -2 | 客服回复太慢,等了一个小时
complaint | -3 | 再也不在你们家买了,垃圾!!!
complaint | -2 | the box arrived crushed and the item is scratched
complaint | -3 | absolutely terrible experience, never buying here again!!!
complaint | -2 | you sent me the wrong size, not happy
complaint | -2 | [soundgo](product) stopped working in a week, poor quality
complaint | -2 | nobody answered my emails for days
complaint | -2 | the courier was rude and threw my package
human_agent | 0 | 能不能换个真人跟我聊
human_agent | 0 | 机器人听不懂,给我接人工
human_agent | 0 | 找你们主管
human_agent | 0 | 人工人工人工
human_agent | 0 | 请让工作人员联系我
human_agent | -1 | 别自动回复了,我要真人
human_agent | 0 | transfer me to a live agent
human_agent | 0 | can a real human help me
human_agent | 0 | get me your supervisor
human_agent | 0 | i'd rather chat with a person
human_agent | 0 | operator please
human_agent | -1 | you're a bot, i need someone who understands
out_of_scope | 0 | 你会说日语吗
out_of_scope | 0 | 周末去哪玩好
out_of_scope | 0 | 帮我订张机票
out_of_scope | 0 | 今天几号
out_of_scope | 0 | 你们老板是谁
out_of_scope | 0 | 呵呵
out_of_scope | 0 | qwerty
out_of_scope | 0 | whats the meaning of life
out_of_scope | 0 | can you book me a taxi
out_of_scope | 0 | who won the game last night
out_of_scope | 0 | translate hello into spanish
out_of_scope | 0 | ok so
inform | 0 | [粉红](color)那个
inform | 0 | [256个G](storage)
inform | 0 | 来[两台](quantity)
inform | 0 | 喏,[202405180001](order_id)就是单号
inform | 0 | 穿[43](size)
inform | 0 | [银的](color)配[512G](storage)
inform | 0 | 预算大概[3000](budget)吧
inform | 0 | [blue](color) one i guess
inform | 0 | [1tb](storage)
inform | 0 | make it [3](quantity)
inform | 0 | here u go: [202405180002](order_id)
inform | 0 | i wear [XL](size)
inform | 0 | [grey](color) with [128GB](storage)
""".strip().splitlines()


def examples() -> list:
    return annotated.examples(LINES)
